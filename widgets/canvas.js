// The canvas: the blocks in one column (keyed re-use: an edit rebuilds only the blocks it changed), the wires
// between them, selection by click or focus, and keyboard navigation (arrows, Alt+arrows reorder, Delete).

import { fmtInt, fmtShape, h, s } from "./dom.js";
import { assignLanes, fit, layout } from "./layout.js";

// ctx: {send, view(), uid, focusInspector()}
export function createCanvas(ctx) {
  const { send } = ctx;
  const wires = s("svg", { class: "nnstudio-wires", "aria-hidden": "true" });
  const nodesLayer = h("div", { class: "nnstudio-nodes", role: "list", "aria-label": "Blocks, top to bottom" });
  const dropLine = h("div", { class: "nnstudio-drop-line", "aria-hidden": "true" });
  const inner = h("div", { class: "nnstudio-canvas-inner" }, wires, nodesLayer, dropLine);
  const hint = h("div", {
    class: "nnstudio-canvas-hint",
    text: "drop layers here · drag a block to reorder · drag its ● to another block for a skip · Del removes",
  });
  const el = h("section", { class: "nnstudio-canvas", "aria-label": "Model canvas" }, inner, hint);

  let geo = { pos: new Map(), height: 0, nodeW: 0, lane0: 0, laneW: 0 };
  let lastView = null;
  let nodeEls = new Map();
  let wireKey = null;
  let focusAfter = null;
  let restoring = false;
  const extras = []; // paths other controllers draw on the wire layer (the wire being drawn)

  const nodeOf = (t) => t?.closest?.(".nnstudio-node");
  const nodeEl = (name) => nodesLayer.querySelector(`.nnstudio-node[data-node="${CSS.escape(name)}"]`);

  function blockEl(n, p, selected, tabTarget) {
    const cls = ["nnstudio-node"];
    if (n.name === selected) cls.push("is-selected");
    if (n.error) cls.push("has-error");
    if (n.blocked) cls.push("is-blocked");
    if (n.role) cls.push(`is-${n.role}`);
    const label = `${n.name}, ${n.type}, output ${fmtShape(n.shape)}${n.params ? `, ${fmtInt(n.params)} parameters` : ""}${n.error ? `, error: ${n.error}` : ""}`;
    const node = h("div", {
      class: cls.join(" "),
      "data-node": n.name,
      "data-type": n.type,
      role: "listitem",
      tabindex: n.name === tabTarget ? "0" : "-1",
      "aria-label": label,
      "aria-current": n.name === selected ? "true" : null,
      "aria-describedby": `${ctx.uid}-hovercard`,
      draggable: n.role === "input" ? null : "true",
      style: { top: `${p.y}px`, left: "0px", height: `${p.h}px`, "--hue": n.hue }, // width: --nn-node-w
    });
    if (n.role !== "input") {
      node.append(h("span", { class: "nnstudio-port nnstudio-port-in", "aria-hidden": "true", title: "input" }));
    }
    const unknown = n.shape === null || n.shape === undefined;
    node.append(
      h(
        "div",
        { class: "nnstudio-node-head" },
        h("span", { class: "nnstudio-node-name", text: n.name }),
        h("span", { class: "nnstudio-node-type", text: n.type }),
        n.summary ? h("span", { class: "nnstudio-node-summary", text: n.summary }) : null,
      ),
      h(
        "div",
        { class: "nnstudio-node-meta" },
        h(
          "span",
          {
            class: `nnstudio-shape${unknown ? " is-unknown" : ""}`,
            title: "output shape (without the batch dimension)",
          },
          h("span", { class: "nnstudio-arrow", "aria-hidden": "true", text: "→ " }),
          fmtShape(n.shape),
        ),
        n.params
          ? h("span", { class: "nnstudio-params", text: `${fmtInt(n.params)} params` })
          : h("span", { class: "nnstudio-params is-zero", text: n.blocked ? "blocked" : "" }),
      ),
    );
    if (n.error) node.append(h("div", { class: "nnstudio-error", role: "alert", title: n.error, text: n.error }));
    if (n.role !== "output") {
      node.append(
        h("span", {
          class: "nnstudio-port nnstudio-port-out",
          title: "Drag to another block to wire a skip connection",
          "aria-hidden": "true",
        }),
      );
    }
    return node;
  }

  function drawBlocks(v) {
    const nodes = v.nodes || [];
    const selected = v.selected;
    const tabTarget = nodes.some((n) => n.name === selected) ? selected : nodes[0]?.name;
    const els = [];
    const cache = new Map();
    for (const n of nodes) {
      const p = geo.pos.get(n.name);
      // keyed re-use: a block whose data, place, selection and tab stop are unchanged keeps its element, so an
      // edit touches (and the browser re-lays out) only the blocks it changed
      const key = JSON.stringify([n, p.y, p.h, n.name === selected, n.name === tabTarget]); // width: CSS
      const old = nodeEls.get(n.name);
      const entry = old && old.key === key ? old : { key, el: blockEl(n, p, selected, tabTarget) };
      els.push(entry.el);
      cache.set(n.name, entry);
    }
    nodeEls = cache;
    // move/insert only what differs from the current children, then drop the leftovers
    let cursor = nodesLayer.firstChild;
    for (const x of els) {
      if (x === cursor) {
        cursor = cursor.nextSibling;
        continue;
      }
      nodesLayer.insertBefore(x, cursor);
    }
    while (cursor) {
      const next = cursor.nextSibling;
      cursor.remove();
      cursor = next;
    }
  }

  function drawWires(v, lanes, width) {
    const nodes = v.nodes || [];
    // rebuilt only when a wire, a block's place or an error changed
    const k = JSON.stringify([
      v.edges,
      width,
      nodes.map((n) => [n.name, geo.pos.get(n.name).y, geo.pos.get(n.name).h, !!(n.error || n.blocked)]),
    ]);
    if (k === wireKey) return;
    wireKey = k;
    const w = Math.max(width, 10);
    wires.setAttribute("width", w);
    wires.setAttribute("height", geo.height);
    wires.setAttribute("viewBox", `0 0 ${w} ${geo.height}`);
    const defs = s("defs");
    const marker = s("marker", {
      id: `${ctx.uid}-arrow`,
      viewBox: "0 0 10 10",
      refX: 9,
      refY: 5,
      markerWidth: 7,
      markerHeight: 7,
      orient: "auto-start-reverse",
    });
    marker.append(s("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "nnstudio-arrowhead" }));
    defs.append(marker);
    const paths = [defs];
    const errorNodes = new Set(nodes.filter((n) => n.error || n.blocked).map((n) => n.name));
    for (const [src, dst] of v.edges || []) {
      const a = geo.pos.get(src);
      const b = geo.pos.get(dst);
      if (!a || !b) continue;
      let d;
      let cls = "nnstudio-wire";
      const nodeW = geo.nodeW;
      if (b.i === a.i + 1) {
        const x = nodeW / 2;
        d = `M ${x} ${a.y + a.h} L ${x} ${b.y - 2}`;
      } else {
        const lx = nodeW + geo.lane0 + (lanes.get(`${src}\u0000${dst}`) || 0) * geo.laneW;
        const sy = a.y + a.h / 2;
        const dy = b.y + b.h / 2;
        const turn = Math.sign(dy - sy) * 14;
        d = `M ${nodeW} ${sy} C ${lx} ${sy}, ${lx} ${sy}, ${lx} ${sy + turn} L ${lx} ${dy - turn} C ${lx} ${dy}, ${lx} ${dy}, ${nodeW + 2} ${dy}`;
        cls += " is-skip";
        if (b.i < a.i) cls += " is-back";
      }
      if (errorNodes.has(dst)) cls += " is-error";
      paths.push(s("path", { d, class: cls, "marker-end": `url(#${ctx.uid}-arrow)`, "data-src": src, "data-dst": dst }));
    }
    wires.replaceChildren(...paths, ...extras);
  }

  function restoreFocus(name) {
    if (!name) return;
    const target = nodeEl(name);
    if (target && document.activeElement !== target) {
      target.tabIndex = 0;
      restoring = true;
      target.focus({ preventScroll: true });
      restoring = false;
    }
  }

  function update(v) {
    lastView = v;
    const nodes = v.nodes || [];
    const { lanes, count } = assignLanes(v.edges || [], layout(nodes).pos);
    // the blocks follow the column's width (the docked Studio's canvas is narrow): lanes included, no scrollbar
    const { nodeW, lane0, laneW, width } = fit(el.clientWidth, count);
    geo = { ...layout(nodes, nodeW), lane0, laneW };
    inner.style.width = `${width}px`;
    inner.style.setProperty("--nn-node-w", `${nodeW}px`);
    inner.style.height = `${geo.height}px`;
    // keep keyboard focus on the canvas across the rebuild: on the node Python selected (it follows adds/wires)
    const focused = nodesLayer.contains(document.activeElement) ? nodeOf(document.activeElement)?.dataset.node : null;
    const wantFocus = focusAfter ?? (focused ? v.selected || focused : null);
    focusAfter = null;
    drawBlocks(v);
    drawWires(v, lanes, width);
    restoreFocus(wantFocus);
  }

  function select(name) {
    for (const x of nodesLayer.querySelectorAll(".nnstudio-node.is-selected")) x.classList.remove("is-selected");
    if (name) nodeEl(name)?.classList.add("is-selected");
    send({ cmd: "select", name });
  }

  // a new column width (the Studio docks, the window or the file browser changes): re-fit the blocks
  let fitted = el.clientWidth;
  const resized = new ResizeObserver(() => {
    if (lastView && el.clientWidth !== fitted) {
      fitted = el.clientWidth;
      update(lastView);
    }
  });
  resized.observe(el);

  // node events (delegated: the node elements are rebuilt on each render)
  nodesLayer.addEventListener("click", (e) => {
    const n = nodeOf(e.target);
    if (n && n.dataset.node !== ctx.view().selected) select(n.dataset.node);
  });
  nodesLayer.addEventListener("focusin", (e) => {
    if (restoring) return;
    const n = nodeOf(e.target);
    if (n && n.dataset.node !== ctx.view().selected) select(n.dataset.node);
  });
  el.addEventListener("click", (e) => {
    if (e.target === el || e.target === inner || e.target === hint) select(null);
  });
  nodesLayer.addEventListener("keydown", (e) => {
    const n = nodeOf(e.target);
    if (!n) return;
    const names = (ctx.view().nodes || []).map((x) => x.name);
    const i = names.indexOf(n.dataset.node);
    const move = (j) => {
      const t = nodeEl(names[j]);
      if (t) {
        n.tabIndex = -1;
        t.tabIndex = 0;
        t.focus();
      }
    };
    let handled = true;
    if (e.key === "Delete" || e.key === "Backspace") {
      focusAfter = names[i + 1] ?? names[i - 1] ?? null;
      send({ cmd: "remove", name: n.dataset.node });
    } else if (e.altKey && e.key === "ArrowUp" && i > 0) {
      focusAfter = n.dataset.node;
      send({ cmd: "move", name: n.dataset.node, after: names[i - 2] ?? null, before: names[i - 1] });
    } else if (e.altKey && e.key === "ArrowDown" && i < names.length - 1) {
      focusAfter = n.dataset.node;
      send({ cmd: "move", name: n.dataset.node, after: names[i + 1] });
    } else if (e.key === "ArrowDown" && i < names.length - 1) move(i + 1);
    else if (e.key === "ArrowUp" && i > 0) move(i - 1);
    else if (e.key === "Home") move(0);
    else if (e.key === "End") move(names.length - 1);
    else if (e.key === "Enter" || e.key === " ") {
      select(n.dataset.node);
      ctx.focusInspector();
    } else handled = false;
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  });

  return {
    el,
    update,
    inner,
    nodesLayer,
    wires,
    dropLine,
    nodeOf,
    geo: () => geo,
    dispose: () => resized.disconnect(),
    // keep keyboard focus on this block after the next render (a move or a drop re-creates it)
    focusAfterRender: (name) => {
      focusAfter = name;
    },
    // draw `path` on the wire layer until removeExtra(path)
    addExtra: (path) => {
      extras.push(path);
      wires.append(path);
    },
    removeExtra: (path) => {
      extras.splice(extras.indexOf(path), 1);
      path.remove();
    },
  };
}
