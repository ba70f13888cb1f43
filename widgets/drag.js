// Drag and drop (HTML5): a palette layer dropped on the canvas is inserted after the block above the pointer; a
// block dragged onto the canvas moves there. A line shows where the drop lands.

import { GAP, TOP } from "./layout.js";

const LAYER = "application/x-nnstudio-layer";
const NODE = "application/x-nnstudio-node";

// ctx: {send, view(), root}; canvas: the canvas component
export function createDrag(ctx, canvas) {
  const { send, root } = ctx;
  const { el, inner, nodesLayer, dropLine, nodeOf } = canvas;
  let drag = null; // {kind: "layer" | "node", value}

  function startLayer(e, type) {
    drag = { kind: "layer", value: type };
    e.dataTransfer.setData(LAYER, type);
    e.dataTransfer.setData("text/plain", type);
    e.dataTransfer.effectAllowed = "copy";
    root.classList.add("is-dragging");
  }

  function end() {
    drag = null;
    dropLine.classList.remove("is-visible");
    root.classList.remove("is-dragging");
    for (const x of nodesLayer.querySelectorAll(".is-dragged")) x.classList.remove("is-dragged");
  }

  function kindOf(e) {
    const types = Array.from(e.dataTransfer?.types || []);
    if (types.includes(LAYER)) return "layer";
    if (types.includes(NODE)) return "node";
    return drag?.kind || null;
  }

  // the block after which the drop inserts: the last one whose middle is above the pointer
  function dropPosition(e) {
    const y = e.clientY - inner.getBoundingClientRect().top;
    const geo = canvas.geo();
    let after = null;
    let lineY = TOP / 2;
    for (const n of ctx.view().nodes || []) {
      const p = geo.pos.get(n.name);
      if (p.y + p.h / 2 < y) {
        after = n.name;
        lineY = p.y + p.h + GAP / 2;
      }
    }
    return { after, lineY };
  }

  nodesLayer.addEventListener("dragstart", (e) => {
    const n = nodeOf(e.target);
    if (!n || ctx.wiring() || e.target.closest?.(".nnstudio-port")) {
      e.preventDefault();
      return;
    }
    drag = { kind: "node", value: n.dataset.node };
    e.dataTransfer.setData(NODE, n.dataset.node);
    e.dataTransfer.effectAllowed = "move";
    n.classList.add("is-dragged");
    root.classList.add("is-dragging");
  });
  nodesLayer.addEventListener("dragend", end);
  el.addEventListener("dragover", (e) => {
    const kind = kindOf(e);
    if (!kind) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = kind === "layer" ? "copy" : "move";
    const { lineY } = dropPosition(e);
    dropLine.style.top = `${lineY - 1}px`;
    dropLine.classList.add("is-visible");
  });
  el.addEventListener("dragleave", (e) => {
    if (!el.contains(e.relatedTarget)) dropLine.classList.remove("is-visible");
  });
  el.addEventListener("drop", (e) => {
    const kind = kindOf(e);
    if (!kind) return;
    e.preventDefault();
    const { after } = dropPosition(e);
    if (kind === "layer") {
      const layer = e.dataTransfer.getData(LAYER) || drag?.value;
      if (layer) send({ cmd: "add", layer, after });
    } else {
      const name = e.dataTransfer.getData(NODE) || drag?.value;
      if (name && name !== after) {
        canvas.focusAfterRender(name);
        send({ cmd: "move", name, after });
      }
    }
    end();
  });

  return { startLayer, end, update() {} };
}
