// The teachable card next to a block: hovering a block (or focusing it) shows what it does, its shape formula and,
// while it trains, live statistics of its weights and of its output. Python is told which block is hovered, so that
// it sends that block's statistics too (the selected block's always come).
// The card never covers the block it describes and stays inside the visible part of the canvas: below the block
// when it fits there, else above it, else on the side with more room, cut to that room.

import { fmtShape, h } from "./dom.js";
import { statsView } from "./stats.js";

const SHOW_MS = 120;
const GAP = 4; // between the block and its card
const MIN_H = 60; // the least of a card that is shown when neither side has room

// the top of the card and the height it may take, in the canvas drawing's coordinates
export function placeCard(block, cardH, visTop, visBottom) {
  const below = visBottom - (block.y + block.h + GAP);
  const above = block.y - GAP - visTop;
  const side = cardH <= below ? "below" : cardH <= above ? "above" : below >= above ? "below" : "above";
  const shown = Math.min(cardH, Math.max(side === "below" ? below : above, MIN_H));
  return { top: side === "below" ? block.y + block.h + GAP : block.y - GAP - shown, height: shown, side };
}

// ctx: {send, uid, view(), stats()}; canvas: the canvas component
export function createHoverCard(ctx, canvas) {
  const el = h("div", { class: "nnstudio-hovercard", id: `${ctx.uid}-hovercard`, role: "tooltip", hidden: true });
  canvas.inner.append(el);
  let name = null;
  let timer = null;

  function draw() {
    const n = (ctx.view().nodes || []).find((x) => x.name === name);
    if (!n) {
      hide();
      return;
    }
    const p = canvas.geo().pos.get(n.name);
    el.style.left = "0px";
    el.style.setProperty("--hue", n.hue);
    const parts = [
      h("div", { class: "nnstudio-hover-title" }, h("b", { text: n.name }), " ", h("span", { class: "nnstudio-node-type", text: n.type }), " ", h("span", { class: "nnstudio-hover-shape", text: `→ ${fmtShape(n.shape)}` })),
      n.help ? h("p", { class: "nnstudio-hover-help", text: n.help }) : null,
      n.formula ? h("p", { class: "nnstudio-hover-formula nnstudio-ins-formula", text: n.formula }) : null,
      n.error ? h("p", { class: "nnstudio-hover-error", text: n.error }) : null,
      n.role ? null : statsView(ctx.stats(), n.name, n.has_params, n.is_module),
    ];
    el.replaceChildren(...parts.filter(Boolean));
    el.hidden = false;
    place(p);
  }

  function place(p) {
    const view = canvas.el;
    const hint = view.querySelector(".nnstudio-canvas-hint");
    const visTop = view.scrollTop - canvas.inner.offsetTop;
    const visBottom = visTop + view.clientHeight - (hint?.offsetHeight || 0);
    el.style.maxHeight = "";
    const spot = placeCard(p, el.offsetHeight, visTop, visBottom);
    el.style.top = `${spot.top}px`;
    if (spot.height < el.offsetHeight) el.style.maxHeight = `${spot.height}px`;
    el.dataset.side = spot.side;
  }

  function show(next) {
    if (next === name) return;
    name = next;
    ctx.send({ cmd: "hover", name });
    draw();
  }

  function hide() {
    clearTimeout(timer);
    if (name !== null) ctx.send({ cmd: "hover", name: null });
    name = null;
    el.hidden = true;
  }

  canvas.nodesLayer.addEventListener("pointerover", (e) => {
    const n = canvas.nodeOf(e.target);
    if (!n || n.dataset.node === name) return;
    clearTimeout(timer);
    timer = setTimeout(() => show(n.dataset.node), SHOW_MS);
  });
  canvas.nodesLayer.addEventListener("pointerout", (e) => {
    const from = canvas.nodeOf(e.target);
    const to = canvas.nodeOf(e.relatedTarget);
    if (from && from !== to && !to) hide();
  });
  canvas.nodesLayer.addEventListener("focusin", (e) => {
    const n = canvas.nodeOf(e.target);
    if (n) show(n.dataset.node);
  });
  canvas.nodesLayer.addEventListener("focusout", (e) => {
    if (!canvas.nodeOf(e.relatedTarget)) hide();
  });

  return {
    el,
    update() {
      if (name !== null) draw();
    },
    updateStats() {
      if (name !== null && !el.hidden) draw();
    },
    hide,
  };
}
