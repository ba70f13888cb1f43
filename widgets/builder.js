// nnstudio model builder: the browser side of nnstudio.studio.BuilderWidget (anywidget ES module, no build step).
//
// Python is the single source of truth. The front end only draws the synced `view` state (and the live `stats`
// of the watched blocks) and sends edit commands ({cmd: "add" | "remove" | "update" | "connect" | ...}) with
// model.send(); Python applies them to its ModelGraph, re-runs shape inference and syncs the new `view` back.
//
// Each part is a small component {el, update(view)} in its own module: header.js, palette.js, canvas.js,
// inspector.js, overlays.js, hovercard.js, and the controllers drag.js and wire.js. Python joins them into one
// module for anywidget (nnstudio/studio/builder_assets.py).

import { createCanvas } from "./canvas.js";
import { h, isTextEditing } from "./dom.js";
import { createDrag } from "./drag.js";
import { createHeader, createMessage } from "./header.js";
import { createHoverCard } from "./hovercard.js";
import { createInspector } from "./inspector.js";
import { createOverlays } from "./overlays.js";
import { createPalette } from "./palette.js";
import { createWire } from "./wire.js";

function render({ model, el }) {
  let view = model.get("view") || {};
  let stats = model.get("stats") || {};
  let seq = 0;
  const sentAt = new Map();
  const root = h("div", {
    class: "nnstudio-builder",
    role: "application",
    "aria-label": "nnstudio model builder",
    "aria-roledescription": "model builder",
    "data-lm-suppress-shortcuts": "true",
  });
  const ctx = {
    root,
    uid: `nnstudio-${Math.random().toString(36).slice(2, 9)}`,
    view: () => view,
    stats: () => stats,
    send(cmd) {
      seq += 1;
      cmd.seq = seq;
      sentAt.set(seq, performance.now());
      model.send(cmd);
    },
  };

  const canvas = createCanvas(ctx);
  const wire = createWire(ctx, canvas);
  ctx.wiring = wire.active;
  const drag = createDrag(ctx, canvas);
  ctx.drag = drag;
  const overlays = createOverlays(ctx);
  ctx.openExport = overlays.openExport;
  const header = createHeader(ctx);
  ctx.focusExport = header.focusExport;
  const message = createMessage();
  const palette = createPalette(ctx);
  const inspector = createInspector(ctx);
  ctx.focusInspector = inspector.focusFirst;
  const hovercard = createHoverCard(ctx, canvas);

  root.append(header.el, message.el, h("div", { class: "nnstudio-body" }, palette.el, canvas.el, inspector.el), overlays.el);
  el.append(root);

  root.addEventListener("keydown", (e) => {
    const key = e.key.toLowerCase();
    if ((e.ctrlKey || e.metaKey) && (key === "z" || key === "y") && !isTextEditing(e.target)) {
      e.preventDefault();
      ctx.send({ cmd: key === "y" || e.shiftKey ? "redo" : "undo" });
    }
    // keep JupyterLab's notebook shortcuts (a, b, d d, arrows, Shift+Enter…) from acting on keys meant for us
    if (!(e.shiftKey && e.key === "Enter")) e.stopPropagation();
  });

  // timings for the browser tests: the render of the last view, and the frame it was painted in
  function update() {
    const t0 = performance.now();
    header.update(view);
    message.update(view);
    palette.update(view);
    const ta = performance.now();
    canvas.update(view);
    const tb = performance.now();
    inspector.update(view);
    overlays.update(view);
    hovercard.update(view);
    const t1 = performance.now();
    root.dataset.renderParts = `header+palette ${(ta - t0).toFixed(1)} canvas ${(tb - ta).toFixed(1)} inspector ${(t1 - tb).toFixed(1)}`;
    root.dataset.rev = String(view.rev ?? 0);
    root.dataset.renderMs = (t1 - t0).toFixed(2);
    const sent = sentAt.get(view.ack);
    if (sent !== undefined) {
      root.dataset.roundtripMs = (t1 - sent).toFixed(2);
      sentAt.delete(view.ack);
    }
    // render + style + layout: read at the next animation frame, just before the paint
    requestAnimationFrame(() => {
      root.dataset.frameMs = (performance.now() - t0).toFixed(2);
      root.dataset.frameRev = String(view.rev ?? 0);
    });
  }
  const onView = () => {
    view = model.get("view") || {};
    update();
  };
  const onStats = () => {
    stats = model.get("stats") || {};
    root.dataset.statsStep = String(stats.step ?? "");
    inspector.updateStats(stats);
    hovercard.updateStats(stats);
  };
  model.on("change:view", onView);
  model.on("change:stats", onStats);
  update();
  ctx.send({ cmd: "hello" });

  return () => {
    model.off("change:view", onView);
    model.off("change:stats", onStats);
    wire.dispose();
    canvas.dispose();
  };
}

export default { render };
