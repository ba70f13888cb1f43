// Drawing a wire: press on a block's output port (●), move, release over another block: Python wires it in (a
// merge gains an input, any other block gets an Add in front of it: a skip connection).

import { s } from "./dom.js";

// ctx: {send, root}; canvas: the canvas component
export function createWire(ctx, canvas) {
  const { send, root } = ctx;
  const { inner, nodesLayer, nodeOf } = canvas;
  const temp = s("path", { class: "nnstudio-wire is-temp" });
  let wire = null; // {src, x0, y0}

  const clearTargets = () => {
    for (const x of nodesLayer.querySelectorAll(".is-wire-target")) x.classList.remove("is-wire-target");
  };

  nodesLayer.addEventListener("mousedown", (e) => {
    if (e.target.closest?.(".nnstudio-port-out")) e.preventDefault(); // no text selection, no HTML5 drag
  });
  nodesLayer.addEventListener("pointerdown", (e) => {
    const port = e.target.closest?.(".nnstudio-port-out");
    if (!port) return;
    e.preventDefault();
    e.stopPropagation();
    const src = nodeOf(port).dataset.node;
    const p = canvas.geo().pos.get(src);
    wire = { src, x0: p.w / 2, y0: p.y + p.h };
    root.classList.add("is-wiring");
    temp.setAttribute("d", "");
    canvas.addExtra(temp);
  });
  const onMove = (e) => {
    if (!wire) return;
    const rect = inner.getBoundingClientRect();
    const x = e.clientX - rect.left;
    const y = e.clientY - rect.top;
    const { x0, y0 } = wire;
    temp.setAttribute("d", `M ${x0} ${y0} C ${x0} ${y0 + 40}, ${x} ${y - 40}, ${x} ${y}`);
    clearTargets();
    const t = nodeOf(document.elementFromPoint(e.clientX, e.clientY));
    if (t && t.dataset.node !== wire.src) t.classList.add("is-wire-target");
  };
  const onUp = (e) => {
    if (!wire) return;
    const t = nodeOf(document.elementFromPoint(e.clientX, e.clientY));
    const src = wire.src;
    wire = null;
    canvas.removeExtra(temp);
    root.classList.remove("is-wiring");
    clearTargets();
    if (t && t.dataset.node !== src) send({ cmd: "connect", src, dst: t.dataset.node });
  };
  window.addEventListener("pointermove", onMove);
  window.addEventListener("pointerup", onUp);

  return {
    update() {},
    active: () => wire !== null,
    dispose() {
      window.removeEventListener("pointermove", onMove);
      window.removeEventListener("pointerup", onUp);
    },
  };
}
