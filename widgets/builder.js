// nnstudio model builder: the browser side of nnstudio.studio.BuilderWidget (anywidget ES module, no build step).
//
// Python is the single source of truth. This module only draws the synced `view` state and sends edit
// commands ({cmd: "add" | "remove" | "update" | "connect" | ...}) with model.send(); Python applies them to
// its ModelGraph, re-runs shape inference and syncs the new `view` back.

const NODE_W = 280;
const NODE_H = 54;
const NODE_H_ERR = 90;
const GAP = 26;
const TOP = 24;
const LANE0 = 26;
const LANE_W = 18;

const CATEGORY_HUES = {
  input: 210, io: 210, output: 210, core: 205, linear: 205, convolution: 275, conv: 275, pooling: 180,
  normalization: 38, regularization: 0, dropout: 0, recurrent: 330, attention: 250, transformer: 250,
  activation: 140, activations: 140, merge: 22, embedding: 300, reshape: 190, utility: 190,
};

function hueOf(category) {
  const key = String(category || "").toLowerCase();
  if (key in CATEGORY_HUES) return CATEGORY_HUES[key];
  let h = 0;
  for (const ch of key) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return h;
}

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k === "style" && typeof v === "object") {
      for (const [sk, sv] of Object.entries(v)) {
        if (sk.startsWith("--")) el.style.setProperty(sk, String(sv)); else el.style[sk] = sv;
      }
    }
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";
function s(tag, attrs = {}) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

const fmtInt = (n) => (n === null || n === undefined ? "" : String(Math.trunc(Number(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ","));

function fmtShape(shape) {
  if (shape === null || shape === undefined) return "—";
  if (typeof shape === "string") return shape;
  if (Array.isArray(shape)) {
    if (shape.length && Array.isArray(shape[0])) return shape.map(fmtShape).join(", ");
    return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  }
  return String(shape);
}

function isTextEditing(target) {
  if (!target || !target.tagName) return false;
  const tag = target.tagName.toLowerCase();
  if (tag === "textarea" || target.isContentEditable) return true;
  if (tag === "input") return !["checkbox", "radio", "button", "submit"].includes(target.type);
  return false;
}

// --- layout: one column in topological order; skip wires bend out to the right in lanes --------------------
function layout(nodes) {
  const pos = new Map();
  let y = TOP;
  nodes.forEach((n, i) => {
    const height = n.error ? NODE_H_ERR : NODE_H;
    pos.set(n.name, { i, x: 0, y, w: NODE_W, h: height });
    y += height + GAP;
  });
  return { pos, height: y + TOP };
}

function assignLanes(edges, pos) {
  // greedy interval colouring of the non-adjacent wires so that they do not overlap
  const long = [];
  for (const [src, dst] of edges) {
    const a = pos.get(src);
    const b = pos.get(dst);
    if (!a || !b) continue;
    if (b.i === a.i + 1) continue;
    long.push({ src, dst, lo: Math.min(a.i, b.i), hi: Math.max(a.i, b.i) });
  }
  long.sort((p, q) => p.hi - p.lo - (q.hi - q.lo) || p.lo - q.lo);
  const lanes = [];
  const out = new Map();
  for (const e of long) {
    let lane = 0;
    while ((lanes[lane] || []).some((o) => !(e.hi <= o.lo || e.lo >= o.hi))) lane++;
    (lanes[lane] = lanes[lane] || []).push(e);
    out.set(`${e.src}\u0000${e.dst}`, lane);
  }
  return { lanes: out, count: lanes.length };
}

function render({ model, el }) {
  const st = {
    view: model.get("view") || {},
    seq: 0,
    sentAt: new Map(),
    drag: null,
    wire: null,
    filter: "",
    exportOpen: false,
    exportTab: "nnstudio",
    collapsed: new Set(),
    dropAfter: undefined,
    focusNodeAfterRender: null,
    nodeEls: new Map(),
    wireKey: null,
  };

  const send = (cmd) => {
    cmd.seq = ++st.seq;
    st.sentAt.set(cmd.seq, performance.now());
    model.send(cmd);
  };

  // ---------------------------------------------------------------- skeleton
  const root = h("div", {
    class: "nnstudio-builder",
    role: "application",
    "aria-label": "nnstudio model builder",
    "aria-roledescription": "model builder",
    "data-lm-suppress-shortcuts": "true",
  });

  const designSel = h("select", { class: "nnstudio-design", "aria-label": "Starter design" });
  designSel.addEventListener("change", () => send({ cmd: "design", name: designSel.value }));
  const undoBtn = h("button", { class: "nnstudio-btn nnstudio-undo", type: "button", title: "Undo (Ctrl+Z)",
    "aria-label": "Undo" }, h("span", { class: "nnstudio-ico", "aria-hidden": "true", text: "↶" }), "Undo");
  const redoBtn = h("button", { class: "nnstudio-btn nnstudio-redo", type: "button", title: "Redo (Ctrl+Shift+Z)",
    "aria-label": "Redo" }, h("span", { class: "nnstudio-ico", "aria-hidden": "true", text: "↷" }), "Redo");
  undoBtn.setAttribute("aria-keyshortcuts", "Control+Z");
  redoBtn.setAttribute("aria-keyshortcuts", "Control+Shift+Z");
  undoBtn.addEventListener("click", () => send({ cmd: "undo" }));
  redoBtn.addEventListener("click", () => send({ cmd: "redo" }));
  const fileInput = h("input", { class: "nnstudio-filename", type: "text", list: "", placeholder: "design.json",
    "aria-label": "Design file name (in the notebook's folder)", spellcheck: "false" });
  const fileList = h("datalist", {});
  const fileListId = `nnstudio-files-${Math.random().toString(36).slice(2, 9)}`;
  fileList.id = fileListId;
  fileInput.setAttribute("list", fileListId);
  const saveBtn = h("button", { class: "nnstudio-btn nnstudio-save", type: "button", title: "Save the design as JSON in the notebook's folder" }, "Save");
  const loadBtn = h("button", { class: "nnstudio-btn nnstudio-load", type: "button", title: "Load a design JSON from the notebook's folder" }, "Load");
  saveBtn.addEventListener("click", () => send({ cmd: "save", filename: fileInput.value }));
  loadBtn.addEventListener("click", () => send({ cmd: "load", filename: fileInput.value }));
  fileInput.addEventListener("keydown", (e) => {
    if (e.key === "Enter") { e.preventDefault(); send({ cmd: "save", filename: fileInput.value }); }
  });
  const exportBtn = h("button", { class: "nnstudio-btn nnstudio-btn-primary nnstudio-export", type: "button",
    title: "Show the model as nnstudio and PyTorch code" }, h("span", { class: "nnstudio-ico", "aria-hidden": "true", text: "</>" }), "Export");
  exportBtn.addEventListener("click", () => { st.exportOpen = true; send({ cmd: "export" }); });
  const message = h("div", { class: "nnstudio-message", role: "status", "aria-live": "polite" });
  const total = h("span", { class: "nnstudio-param-total", "aria-label": "Total parameters" });
  const statusDot = h("span", { class: "nnstudio-status", "aria-live": "polite" });

  const header = h("header", { class: "nnstudio-header" },
    h("div", { class: "nnstudio-brand" }, h("span", { class: "nnstudio-logo", "aria-hidden": "true" }), "nnstudio"),
    h("label", { class: "nnstudio-group" }, designSel),
    h("div", { class: "nnstudio-group", role: "group", "aria-label": "History" }, undoBtn, redoBtn),
    h("div", { class: "nnstudio-group", role: "group", "aria-label": "Design file" }, fileInput, fileList, saveBtn, loadBtn),
    exportBtn,
    h("div", { class: "nnstudio-spacer" }),
    statusDot,
    h("div", { class: "nnstudio-total" }, h("span", { class: "nnstudio-label", text: "params" }), total),
  );

  // palette
  const search = h("input", { class: "nnstudio-palette-search", type: "search", placeholder: "Filter layers…",
    "aria-label": "Filter layer types" });
  search.addEventListener("input", () => { st.filter = search.value.trim().toLowerCase(); renderPalette(); });
  const paletteList = h("div", { class: "nnstudio-palette-list" });
  const palette = h("nav", { class: "nnstudio-palette", "aria-label": "Layer palette: drag a layer onto the canvas, or press Enter to add it after the selected block" },
    h("div", { class: "nnstudio-panel-title", text: "Layers" }), search, paletteList);

  // canvas
  const wires = s("svg", { class: "nnstudio-wires", "aria-hidden": "true" });
  const nodesLayer = h("div", { class: "nnstudio-nodes", role: "list", "aria-label": "Blocks, top to bottom" });
  const dropLine = h("div", { class: "nnstudio-drop-line", "aria-hidden": "true" });
  const inner = h("div", { class: "nnstudio-canvas-inner" }, wires, nodesLayer, dropLine);
  const hint = h("div", { class: "nnstudio-canvas-hint", text: "drop layers here · drag a block to reorder · drag its ● to another block for a skip · Del removes" });
  const canvas = h("section", { class: "nnstudio-canvas", "aria-label": "Model canvas" }, inner, hint);

  // inspector
  const inspector = h("aside", { class: "nnstudio-inspector", "aria-label": "Inspector" });

  const body = h("div", { class: "nnstudio-body" }, palette, canvas, inspector);
  const overlay = h("div", { class: "nnstudio-overlay", hidden: true });
  root.append(header, message, body, overlay);
  el.append(root);

  // ---------------------------------------------------------------- header
  function renderHeader(v) {
    const designs = v.designs || [];
    if (designSel.dataset.key !== JSON.stringify(designs)) {
      const titles = v.design_titles || {};
      designSel.replaceChildren(...designs.map((d) => h("option", { value: d, text: titles[d] || d })));
      designSel.dataset.key = JSON.stringify(designs);
    }
    if (!designs.includes(v.design)) {
      if (!designSel.querySelector("option[data-custom]")) designSel.prepend(h("option", { value: "", "data-custom": "1", text: "(custom)" }));
      designSel.value = "";
    } else {
      designSel.querySelector("option[data-custom]")?.remove();
      designSel.value = v.design;
    }
    undoBtn.disabled = !v.can_undo;
    redoBtn.disabled = !v.can_redo;
    fileList.replaceChildren(...(v.files || []).map((f) => h("option", { value: f })));
    if (v.filename && document.activeElement !== fileInput && fileInput.dataset.synced !== v.filename) {
      fileInput.value = v.filename;
      fileInput.dataset.synced = v.filename;
    }
    total.textContent = v.total_params === null || v.total_params === undefined ? "—" : fmtInt(v.total_params);
    const nErr = v.error_count || 0;
    statusDot.className = `nnstudio-status ${nErr ? "is-error" : "is-ok"}`;
    statusDot.textContent = nErr ? `${nErr} error${nErr > 1 ? "s" : ""}` : "valid";
    statusDot.title = nErr ? "Some blocks have errors: they are shown in red" : "Shapes check out: the model builds";
    const m = v.message;
    message.className = `nnstudio-message ${m && m.text ? `is-${m.level || "info"}` : "is-empty"}`;
    message.textContent = m && m.text ? m.text : "";
  }

  // ---------------------------------------------------------------- palette
  function renderPalette() {
    const cats = st.view.palette || [];
    const frag = [];
    for (const cat of cats) {
      const items = cat.items.filter((it) => !st.filter || it.type.toLowerCase().includes(st.filter)
        || (it.help || "").toLowerCase().includes(st.filter));
      if (!items.length) continue;
      const det = h("details", { class: "nnstudio-palette-cat", "data-category": cat.category });
      if (!st.collapsed.has(cat.category) || st.filter) det.open = true;
      det.addEventListener("toggle", () => {
        if (st.filter) return;
        if (det.open) st.collapsed.delete(cat.category); else st.collapsed.add(cat.category);
      });
      det.append(h("summary", { style: { "--hue": hueOf(cat.category) } }, cat.category));
      const list = h("div", { class: "nnstudio-palette-items", role: "list" });
      for (const it of items) {
        const tip = it.formula ? `${it.help}\nshape: ${it.formula}` : it.help || it.type;
        const btn = h("button", {
          class: "nnstudio-palette-item", type: "button", draggable: "true", "data-layer": it.type,
          role: "listitem", title: tip, "aria-label": `Add ${it.type}: ${it.help || ""}`,
          style: { "--hue": hueOf(cat.category) },
        }, h("span", { class: "nnstudio-swatch", "aria-hidden": "true" }), it.type);
        btn.addEventListener("click", () => send({ cmd: "add", layer: it.type, after: st.view.selected ?? null }));
        btn.addEventListener("dragstart", (e) => {
          st.drag = { kind: "layer", value: it.type };
          e.dataTransfer.setData("application/x-nnstudio-layer", it.type);
          e.dataTransfer.setData("text/plain", it.type);
          e.dataTransfer.effectAllowed = "copy";
          root.classList.add("is-dragging");
        });
        btn.addEventListener("dragend", endDrag);
        list.append(btn);
      }
      det.append(list);
      frag.push(det);
    }
    if (!frag.length) frag.push(h("div", { class: "nnstudio-empty", text: "No layer matches." }));
    paletteList.replaceChildren(...frag);
  }

  // ---------------------------------------------------------------- canvas
  let geo = { pos: new Map(), height: 0 };

  function renderCanvas(v) {
    const nodes = v.nodes || [];
    geo = layout(nodes);
    const { lanes, count } = assignLanes(v.edges || [], geo.pos);
    const width = NODE_W + LANE0 + Math.max(count, 1) * LANE_W + 24;
    inner.style.width = `${width}px`;
    inner.style.height = `${geo.height}px`;
    // keep keyboard focus on the canvas across the rebuild: on the node Python selected (it follows adds/wires)
    const focused = nodesLayer.contains(document.activeElement) ? nodeOf(document.activeElement)?.dataset.node : null;
    const wantFocus = st.focusNodeAfterRender ?? (focused ? (v.selected || focused) : null);
    st.focusNodeAfterRender = null;

    const els = [];
    const selected = v.selected;
    const tabTarget = nodes.some((n) => n.name === selected) ? selected : nodes[0]?.name;
    const cache = new Map();
    for (const n of nodes) {
      const p = geo.pos.get(n.name);
      // keyed re-use: a block whose data, place, selection and tab stop are unchanged keeps its element, so an
      // edit touches (and the browser re-lays out) only the blocks it changed
      const key = JSON.stringify([n, p.y, p.h, n.name === selected, n.name === tabTarget]);
      const old = st.nodeEls.get(n.name);
      if (old && old.key === key) {
        els.push(old.el);
        cache.set(n.name, old);
        continue;
      }
      const cls = ["nnstudio-node"];
      if (n.name === selected) cls.push("is-selected");
      if (n.error) cls.push("has-error");
      if (n.blocked) cls.push("is-blocked");
      if (n.role) cls.push(`is-${n.role}`);
      const label = `${n.name}, ${n.type}, output ${fmtShape(n.shape)}${n.params ? `, ${fmtInt(n.params)} parameters` : ""}${n.error ? `, error: ${n.error}` : ""}`;
      const node = h("div", {
        class: cls.join(" "), "data-node": n.name, "data-type": n.type, role: "listitem",
        tabindex: n.name === tabTarget ? "0" : "-1", "aria-label": label, "aria-current": n.name === selected ? "true" : null,
        draggable: n.role === "input" ? null : "true", title: n.help || null,
        style: { top: `${p.y}px`, left: "0px", width: `${NODE_W}px`, height: `${p.h}px`, "--hue": hueOf(n.category) },
      });
      if (n.role !== "input") node.append(h("span", { class: "nnstudio-port nnstudio-port-in", "aria-hidden": "true", title: "input" }));
      node.append(
        h("div", { class: "nnstudio-node-head" },
          h("span", { class: "nnstudio-node-name", text: n.name }),
          h("span", { class: "nnstudio-node-type", text: n.type }),
          n.summary ? h("span", { class: "nnstudio-node-summary", text: n.summary }) : null),
        h("div", { class: "nnstudio-node-meta" },
          h("span", { class: `nnstudio-shape${n.shape === null || n.shape === undefined ? " is-unknown" : ""}`, title: "output shape (without the batch dimension)" },
            h("span", { class: "nnstudio-arrow", "aria-hidden": "true", text: "→ " }), fmtShape(n.shape)),
          n.params ? h("span", { class: "nnstudio-params", text: `${fmtInt(n.params)} params` }) : h("span", { class: "nnstudio-params is-zero", text: n.blocked ? "blocked" : "" })),
      );
      if (n.error) node.append(h("div", { class: "nnstudio-error", role: "alert", title: n.error, text: n.error }));
      if (n.role !== "output") {
        node.append(h("span", { class: "nnstudio-port nnstudio-port-out", title: "Drag to another block to wire a skip connection", "aria-hidden": "true" }));
      }
      els.push(node);
      cache.set(n.name, { key, el: node });
    }
    st.nodeEls = cache;
    // move/insert only what differs from the current children, then drop the leftovers
    let cursor = nodesLayer.firstChild;
    for (const el of els) {
      if (el === cursor) { cursor = cursor.nextSibling; continue; }
      nodesLayer.insertBefore(el, cursor);
    }
    while (cursor) { const next = cursor.nextSibling; cursor.remove(); cursor = next; }

    // wires (rebuilt only when a wire, a block's place or an error changed)
    const wireKey = JSON.stringify([v.edges, nodes.map((n) => [n.name, geo.pos.get(n.name).y, geo.pos.get(n.name).h, !!(n.error || n.blocked)])]);
    if (wireKey === st.wireKey) { restoreFocus(wantFocus); return; }
    st.wireKey = wireKey;
    const w = Math.max(width, 10);
    wires.setAttribute("width", w);
    wires.setAttribute("height", geo.height);
    wires.setAttribute("viewBox", `0 0 ${w} ${geo.height}`);
    const defs = s("defs");
    const marker = s("marker", { id: `${fileListId}-arrow`, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
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
      if (b.i === a.i + 1) {
        const x = NODE_W / 2;
        d = `M ${x} ${a.y + a.h} L ${x} ${b.y - 2}`;
      } else {
        const lane = lanes.get(`${src}\u0000${dst}`) || 0;
        const lx = NODE_W + LANE0 + lane * LANE_W;
        const sy = a.y + a.h / 2;
        const dy = b.y + b.h / 2;
        d = `M ${NODE_W} ${sy} C ${lx} ${sy}, ${lx} ${sy}, ${lx} ${sy + Math.sign(dy - sy) * 14} L ${lx} ${dy - Math.sign(dy - sy) * 14} C ${lx} ${dy}, ${lx} ${dy}, ${NODE_W + 2} ${dy}`;
        cls += " is-skip";
        if (b.i < a.i) cls += " is-back";
      }
      if (errorNodes.has(dst)) cls += " is-error";
      const path = s("path", { d, class: cls, "marker-end": `url(#${fileListId}-arrow)`, "data-src": src, "data-dst": dst });
      paths.push(path);
    }
    wires.replaceChildren(...paths);
    if (st.wire) wires.append(tempWire);
    restoreFocus(wantFocus);
  }

  function restoreFocus(name) {
    if (!name) return;
    const target = nodesLayer.querySelector(`.nnstudio-node[data-node="${CSS.escape(name)}"]`);
    if (target && document.activeElement !== target) {
      target.tabIndex = 0;
      st.restoringFocus = true;
      target.focus({ preventScroll: true });
      st.restoringFocus = false;
    }
  }

  // node events (delegated: the node elements are rebuilt on each render)
  const nodeOf = (t) => t?.closest?.(".nnstudio-node");
  nodesLayer.addEventListener("click", (e) => {
    const n = nodeOf(e.target);
    if (n && n.dataset.node !== st.view.selected) select(n.dataset.node);
  });
  nodesLayer.addEventListener("focusin", (e) => {
    if (st.restoringFocus) return;
    const n = nodeOf(e.target);
    if (n && n.dataset.node !== st.view.selected) select(n.dataset.node);
  });
  canvas.addEventListener("click", (e) => {
    if (e.target === canvas || e.target === inner || e.target === hint) select(null);
  });
  function select(name) {
    nodesLayer.querySelectorAll(".nnstudio-node.is-selected").forEach((x) => x.classList.remove("is-selected"));
    if (name) nodesLayer.querySelector(`.nnstudio-node[data-node="${CSS.escape(name)}"]`)?.classList.add("is-selected");
    send({ cmd: "select", name });
  }
  nodesLayer.addEventListener("keydown", (e) => {
    const n = nodeOf(e.target);
    if (!n) return;
    const names = (st.view.nodes || []).map((x) => x.name);
    const i = names.indexOf(n.dataset.node);
    const move = (j) => {
      const t = nodesLayer.querySelector(`.nnstudio-node[data-node="${CSS.escape(names[j])}"]`);
      if (t) { n.tabIndex = -1; t.tabIndex = 0; t.focus(); }
    };
    let handled = true;
    if (e.key === "Delete" || e.key === "Backspace") {
      st.focusNodeAfterRender = names[i + 1] ?? names[i - 1] ?? null;
      send({ cmd: "remove", name: n.dataset.node });
    } else if (e.altKey && e.key === "ArrowUp" && i > 0) {
      st.focusNodeAfterRender = n.dataset.node;
      send({ cmd: "move", name: n.dataset.node, after: names[i - 2] ?? null, before: names[i - 1] });
    } else if (e.altKey && e.key === "ArrowDown" && i < names.length - 1) {
      st.focusNodeAfterRender = n.dataset.node;
      send({ cmd: "move", name: n.dataset.node, after: names[i + 1] });
    } else if (e.key === "ArrowDown" && i < names.length - 1) move(i + 1);
    else if (e.key === "ArrowUp" && i > 0) move(i - 1);
    else if (e.key === "Home") move(0);
    else if (e.key === "End") move(names.length - 1);
    else if (e.key === "Enter" || e.key === " ") {
      select(n.dataset.node);
      inspector.querySelector("input, select, button")?.focus();
    } else handled = false;
    if (handled) { e.preventDefault(); e.stopPropagation(); }
  });

  // drag a block to reorder it; drop palette items to add
  nodesLayer.addEventListener("dragstart", (e) => {
    const n = nodeOf(e.target);
    if (!n || st.wire || e.target.closest?.(".nnstudio-port")) { e.preventDefault(); return; }
    st.drag = { kind: "node", value: n.dataset.node };
    e.dataTransfer.setData("application/x-nnstudio-node", n.dataset.node);
    e.dataTransfer.effectAllowed = "move";
    n.classList.add("is-dragged");
    root.classList.add("is-dragging");
  });
  nodesLayer.addEventListener("dragend", endDrag);
  function endDrag() {
    st.drag = null;
    st.dropAfter = undefined;
    dropLine.classList.remove("is-visible");
    root.classList.remove("is-dragging");
    nodesLayer.querySelectorAll(".is-dragged").forEach((x) => x.classList.remove("is-dragged"));
  }
  function dragKind(e) {
    const types = Array.from(e.dataTransfer?.types || []);
    if (types.includes("application/x-nnstudio-layer")) return "layer";
    if (types.includes("application/x-nnstudio-node")) return "node";
    return st.drag?.kind || null;
  }
  function dropPosition(e) {
    // the block after which the drop inserts: the last one whose middle is above the pointer
    const rect = inner.getBoundingClientRect();
    const y = e.clientY - rect.top;
    const nodes = st.view.nodes || [];
    let after = null;
    let lineY = TOP / 2;
    for (const n of nodes) {
      const p = geo.pos.get(n.name);
      if (p.y + p.h / 2 < y) { after = n.name; lineY = p.y + p.h + GAP / 2; }
    }
    return { after, lineY };
  }
  canvas.addEventListener("dragover", (e) => {
    if (!dragKind(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = dragKind(e) === "layer" ? "copy" : "move";
    const { after, lineY } = dropPosition(e);
    st.dropAfter = after;
    dropLine.style.top = `${lineY - 1}px`;
    dropLine.style.width = `${NODE_W}px`;
    dropLine.classList.add("is-visible");
  });
  canvas.addEventListener("dragleave", (e) => {
    if (!canvas.contains(e.relatedTarget)) dropLine.classList.remove("is-visible");
  });
  canvas.addEventListener("drop", (e) => {
    const kind = dragKind(e);
    if (!kind) return;
    e.preventDefault();
    const { after } = dropPosition(e);
    if (kind === "layer") {
      const layer = e.dataTransfer.getData("application/x-nnstudio-layer") || st.drag?.value;
      if (layer) send({ cmd: "add", layer, after });
    } else {
      const name = e.dataTransfer.getData("application/x-nnstudio-node") || st.drag?.value;
      if (name && name !== after) { st.focusNodeAfterRender = name; send({ cmd: "move", name, after }); }
    }
    endDrag();
  });

  // draw a wire from an output port to another block (pointer events, so the wire follows the pointer)
  const tempWire = s("path", { class: "nnstudio-wire is-temp" });
  nodesLayer.addEventListener("mousedown", (e) => {
    if (e.target.closest?.(".nnstudio-port-out")) e.preventDefault(); // no text selection, no HTML5 drag
  });
  nodesLayer.addEventListener("pointerdown", (e) => {
    const port = e.target.closest?.(".nnstudio-port-out");
    if (!port) return;
    e.preventDefault();
    e.stopPropagation();
    const src = nodeOf(port).dataset.node;
    const p = geo.pos.get(src);
    st.wire = { src, x0: NODE_W / 2, y0: p.y + p.h };
    root.classList.add("is-wiring");
    wires.append(tempWire);
    tempWire.setAttribute("d", "");
  });
  const onMove = (e) => {
    if (!st.wire) return;
    const rect = inner.getBoundingClientRect();
    const x = e.clientX - rect.left;
    const y = e.clientY - rect.top;
    const { x0, y0 } = st.wire;
    tempWire.setAttribute("d", `M ${x0} ${y0} C ${x0} ${y0 + 40}, ${x} ${y - 40}, ${x} ${y}`);
    nodesLayer.querySelectorAll(".is-wire-target").forEach((x) => x.classList.remove("is-wire-target"));
    const t = nodeOf(document.elementFromPoint(e.clientX, e.clientY));
    if (t && t.dataset.node !== st.wire.src) t.classList.add("is-wire-target");
  };
  const onUp = (e) => {
    if (!st.wire) return;
    const t = nodeOf(document.elementFromPoint(e.clientX, e.clientY));
    const src = st.wire.src;
    st.wire = null;
    tempWire.remove();
    root.classList.remove("is-wiring");
    nodesLayer.querySelectorAll(".is-wire-target").forEach((x) => x.classList.remove("is-wire-target"));
    if (t && t.dataset.node !== src) send({ cmd: "connect", src, dst: t.dataset.node });
  };
  window.addEventListener("pointermove", onMove);
  window.addEventListener("pointerup", onUp);

  // ---------------------------------------------------------------- inspector
  function fieldInput(f, errs, owner) {
    const id = `${fileListId}-f-${f.name}`;
    const err = errs[f.name];
    const common = { id, "data-field": f.name, title: f.help || null, "aria-describedby": `${id}-msg` };
    let input;
    if (f.kind === "bool") {
      input = h("input", { ...common, type: "checkbox", class: "nnstudio-check" });
      input.checked = !!f.value;
      input.addEventListener("change", () => sendField(owner, f, input.checked));
    } else if (f.kind === "choice") {
      input = h("select", { ...common, class: "nnstudio-input" },
        ...(f.choices || []).map((c) => h("option", { value: JSON.stringify(c), text: c === null ? "auto" : String(c) })));
      input.value = JSON.stringify(f.value ?? null);
      input.addEventListener("change", () => sendField(owner, f, JSON.parse(input.value)));
    } else {
      const numeric = f.kind === "int" || f.kind === "float";
      input = h("input", {
        ...common, class: "nnstudio-input", type: numeric ? "number" : "text",
        step: f.kind === "int" ? "1" : f.kind === "float" ? "any" : null,
        min: numeric && f.min !== null && f.min !== undefined ? f.min : null,
        max: numeric && f.max !== null && f.max !== undefined ? f.max : null,
        inputmode: f.kind === "int" ? "numeric" : f.kind === "float" ? "decimal" : null,
        placeholder: f.optional ? (f.inferred !== null && f.inferred !== undefined ? `auto (${f.inferred})` : "auto") : null,
        spellcheck: "false", autocomplete: "off",
      });
      input.value = err ? err.raw ?? "" : f.display ?? "";
      input.addEventListener("change", () => sendField(owner, f, input.value));
      input.addEventListener("keydown", (e) => {
        // Enter commits through the input's own "change" event (sent once); Escape drops a refused value
        if (e.key === "Escape") { e.preventDefault(); send({ cmd: "revert", name: owner, field: f.name }); }
      });
    }
    if (err) { input.setAttribute("aria-invalid", "true"); input.classList.add("is-invalid"); }
    const range = f.kind === "int" || f.kind === "float"
      ? [f.min !== null && f.min !== undefined ? `≥ ${f.min}` : null, f.max !== null && f.max !== undefined ? `≤ ${f.max}` : null].filter(Boolean).join(", ")
      : "";
    return h("div", { class: `nnstudio-field nnstudio-field-${f.kind}${err ? " is-invalid" : ""}` },
      h("label", { for: id, class: "nnstudio-field-label", title: f.help || null },
        f.name, h("span", { class: "nnstudio-help", "aria-hidden": "true", title: f.help || "", text: "?" })),
      input,
      h("div", { id: `${id}-msg`, class: err ? "nnstudio-field-error" : "nnstudio-field-help", role: err ? "alert" : null,
        text: err ? err.message : [f.help, range].filter(Boolean).join(" · ") }));
  }
  function sendField(owner, f, value) {
    // the block whose form this field belongs to (the selection may have moved on since it was drawn)
    send({ cmd: "update", name: owner, field: f.name, value });
  }

  let inspectorKey = null;
  function renameField(ins) {
    const input = h("input", { class: "nnstudio-input nnstudio-rename", type: "text", value: ins.name, spellcheck: "false",
      "aria-label": `Name of block ${ins.name}`, title: "The block's name: its submodule and parameter names (fc1.weight …)" });
    input.value = ins.name;
    input.addEventListener("change", () => send({ cmd: "rename", name: ins.name, new_name: input.value }));
    input.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.preventDefault(); input.value = ins.name; } });
    return h("label", { class: "nnstudio-field nnstudio-field-name" },
      h("span", { class: "nnstudio-field-label", text: "name" }), input);
  }

  function renderInspector(v) {
    const ins = v.inspector;
    const key = JSON.stringify([ins, v.field_errors]);
    if (key === inspectorKey) return;
    inspectorKey = key;
    const activeField = inspector.contains(document.activeElement) ? document.activeElement?.dataset?.field : null;
    const activeCls = inspector.contains(document.activeElement) ? document.activeElement?.className : null;
    const kids = [];
    if (!ins) {
      kids.push(h("div", { class: "nnstudio-panel-title", text: "Inspector" }),
        h("div", { class: "nnstudio-empty" },
          h("p", { text: "Select a block to edit its settings." }),
          h("ul", { class: "nnstudio-keys" },
            h("li", {}, h("kbd", { text: "drag" }), " a layer from the palette onto the canvas"),
            h("li", {}, h("kbd", { text: "↑" }), h("kbd", { text: "↓" }), " move between blocks, ", h("kbd", { text: "Alt" }), "+", h("kbd", { text: "↑↓" }), " reorder"),
            h("li", {}, h("kbd", { text: "Del" }), " remove the selected block"),
            h("li", {}, h("kbd", { text: "Ctrl+Z" }), " undo, ", h("kbd", { text: "Ctrl+Shift+Z" }), " redo"))));
    } else {
      const errs = v.field_errors || {};
      kids.push(
        h("div", { class: "nnstudio-panel-title" },
          h("span", { class: "nnstudio-ins-name", text: ins.name }), h("span", { class: "nnstudio-ins-type", text: ins.type })),
        renameField(ins),
        ins.help ? h("p", { class: "nnstudio-ins-help", text: ins.help }) : null,
        ins.formula ? h("p", { class: "nnstudio-ins-formula", title: "shape rule", text: ins.formula }) : null,
        h("div", { class: "nnstudio-ins-facts" },
          h("span", { class: "nnstudio-fact" }, h("span", { class: "nnstudio-fact-k", text: "output" }),
            h("span", { class: "nnstudio-fact-v nnstudio-ins-shape", text: fmtShape(ins.shape) })),
          h("span", { class: "nnstudio-fact" }, h("span", { class: "nnstudio-fact-k", text: "params" }),
            h("span", { class: "nnstudio-fact-v", text: ins.params === null || ins.params === undefined ? "—" : fmtInt(ins.params) }))),
        ins.error ? h("div", { class: "nnstudio-ins-error", role: "alert", text: ins.error }) : null,
      );
      const form = h("form", { class: "nnstudio-form", "aria-label": `Settings of ${ins.name}`, onsubmit: (e) => e.preventDefault() });
      for (const f of ins.fields || []) form.append(fieldInput(f, errs, ins.name));
      if (!(ins.fields || []).length) form.append(h("p", { class: "nnstudio-muted", text: "This layer has no settings." }));
      kids.push(form);

      // inputs and skip connections (the keyboard way to wire)
      if (ins.role !== "input") {
        const inputs = h("div", { class: "nnstudio-ins-inputs" }, h("div", { class: "nnstudio-subtitle", text: "Inputs" }));
        for (const src of ins.inputs || []) {
          const rm = h("button", { type: "button", class: "nnstudio-btn nnstudio-btn-icon nnstudio-disconnect",
            "aria-label": `Remove the wire from ${src}`, title: "Remove this wire", text: "×" });
          rm.addEventListener("click", () => send({ cmd: "disconnect", src, dst: ins.name }));
          inputs.append(h("div", { class: "nnstudio-ins-input" }, h("span", { class: "nnstudio-chip", text: src }), rm));
        }
        if ((ins.candidates || []).length) {
          const sel = h("select", { class: "nnstudio-input nnstudio-connect-src", "aria-label": `Wire another block into ${ins.name}` },
            ...ins.candidates.map((c) => h("option", { value: c, text: c })));
          const go = h("button", { type: "button", class: "nnstudio-btn nnstudio-connect",
            title: ins.merge ? "Add an input to this merge block" : "Add the chosen block's output to this input (inserts an Add)" }, "Wire in");
          go.addEventListener("click", () => send({ cmd: "connect", src: sel.value, dst: ins.name }));
          inputs.append(h("div", { class: "nnstudio-row" }, sel, go));
        }
        kids.push(inputs);
      }
      if (ins.removable !== false) {
        const del = h("button", { type: "button", class: "nnstudio-btn nnstudio-btn-danger nnstudio-delete" }, "Delete block");
        del.addEventListener("click", () => send({ cmd: "remove", name: ins.name }));
        kids.push(h("div", { class: "nnstudio-row nnstudio-row-end" }, del));
      }
    }
    const list = kids.filter(Boolean);
    const oldForm = inspector.querySelector(":scope > .nnstudio-form");
    const newForm = list.find((k) => k.classList?.contains("nnstudio-form"));
    const focusedField = activeField && oldForm?.contains(document.activeElement) ? document.activeElement : null;
    if (focusedField && newForm && oldForm.getAttribute("aria-label") === newForm.getAttribute("aria-label")) {
      // the same block's form holds the keyboard focus: patch it in place (removing a focused input blurs it,
      // which costs JupyterLab's focus tracking ~15 ms and loses the caret)
      for (const fresh of Array.from(newForm.children)) {
        const field = fresh.querySelector("[data-field]")?.dataset.field;
        const stale = field && oldForm.querySelector(`[data-field="${CSS.escape(field)}"]`)?.closest(".nnstudio-field");
        if (!stale) continue;
        if (!stale.contains(focusedField)) { stale.replaceWith(fresh); continue; }
        const inp = fresh.querySelector("[data-field]");
        for (const a of ["class", "aria-invalid", "placeholder", "min", "max", "title"]) {
          if (inp.hasAttribute(a)) focusedField.setAttribute(a, inp.getAttribute(a)); else focusedField.removeAttribute(a);
        }
        if (focusedField.type === "checkbox") focusedField.checked = inp.checked;
        else if (focusedField.value !== inp.value) focusedField.value = inp.value;
        stale.className = fresh.className;
        stale.querySelector(".nnstudio-field-help, .nnstudio-field-error")
          ?.replaceWith(fresh.querySelector(".nnstudio-field-help, .nnstudio-field-error"));
      }
      for (const c of Array.from(inspector.children)) if (c !== oldForm) c.remove();
      const at = list.indexOf(newForm);
      list.slice(0, at).forEach((k) => inspector.insertBefore(k, oldForm));
      list.slice(at + 1).forEach((k) => inspector.append(k));
      return;
    }
    inspector.replaceChildren(...list);
    if (activeField) inspector.querySelector(`[data-field="${CSS.escape(activeField)}"]`)?.focus();
    else if (activeCls && ins) inspector.querySelector(`.${activeCls.split(" ").filter((c) => c.startsWith("nnstudio-") && c !== "nnstudio-btn" && c !== "nnstudio-input")[0] || "nnstudio-none"}`)?.focus();
  }

  // ---------------------------------------------------------------- dialogs: export code, confirm stop
  let dialogKey = null;
  function renderOverlay(v) {
    let key = null;
    if (v.confirm) key = `confirm:${v.confirm.text}`;
    else if (st.exportOpen && v.export) key = `export:${v.export.rev}:${st.exportTab}`;
    if (key === dialogKey) return;
    dialogKey = key;
    if (!key) { overlay.hidden = true; overlay.replaceChildren(); return; }
    overlay.hidden = false;
    if (v.confirm) {
      const yes = h("button", { type: "button", class: "nnstudio-btn nnstudio-btn-primary nnstudio-confirm-yes" }, v.confirm.yes || "Stop training and edit");
      const no = h("button", { type: "button", class: "nnstudio-btn nnstudio-confirm-no" }, v.confirm.no || "Keep training");
      yes.addEventListener("click", () => send({ cmd: "confirm" }));
      no.addEventListener("click", () => send({ cmd: "cancel" }));
      const dlg = h("div", { class: "nnstudio-dialog nnstudio-confirm", role: "alertdialog", "aria-modal": "true", "aria-label": "Training is running" },
        h("h3", { text: "Training is running" }), h("p", { text: v.confirm.text }), h("div", { class: "nnstudio-row nnstudio-row-end" }, no, yes));
      dlg.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.preventDefault(); send({ cmd: "cancel" }); } });
      overlay.replaceChildren(dlg);
      yes.focus();
      return;
    }
    const ex = v.export;
    const tabs = [["nnstudio", "nnstudio"], ["torch", "PyTorch"]];
    const code = ex.error ? ex.error : ex[st.exportTab] || "";
    const pre = h("pre", { class: "nnstudio-code", tabindex: "0", "aria-label": "Exported code" }, h("code", { text: code }));
    const copy = h("button", { type: "button", class: "nnstudio-btn nnstudio-btn-primary nnstudio-copy" }, "Copy");
    copy.addEventListener("click", async () => {
      let ok = false;
      try { await navigator.clipboard.writeText(code); ok = true; } catch (_) {
        const ta = h("textarea", { style: { position: "fixed", opacity: "0" } });
        ta.value = code; root.append(ta); ta.select();
        try { ok = document.execCommand("copy"); } catch (_) { ok = false; }
        ta.remove();
      }
      copy.textContent = ok ? "Copied ✓" : "Select and copy";
      if (!ok) { const r = document.createRange(); r.selectNodeContents(pre); getSelection().removeAllRanges(); getSelection().addRange(r); }
      setTimeout(() => { copy.textContent = "Copy"; }, 1600);
    });
    const close = h("button", { type: "button", class: "nnstudio-btn nnstudio-close", "aria-label": "Close", text: "Close" });
    close.addEventListener("click", closeExport);
    const tabBar = h("div", { class: "nnstudio-tabs", role: "tablist", "aria-label": "Code flavour" },
      ...tabs.map(([k, label]) => {
        const t = h("button", { type: "button", role: "tab", class: `nnstudio-tab nnstudio-tab-${k}`, "aria-selected": String(k === st.exportTab), text: label });
        t.addEventListener("click", () => { st.exportTab = k; renderOverlay(st.view); overlay.querySelector(`.nnstudio-tab-${k}`)?.focus(); });
        return t;
      }));
    const dlg = h("div", { class: "nnstudio-dialog nnstudio-export-dialog", role: "dialog", "aria-modal": "true", "aria-label": "Export code" },
      h("div", { class: "nnstudio-dialog-head" }, h("h3", { text: "Export code" }), tabBar, h("div", { class: "nnstudio-spacer" }), copy, close),
      h("p", { class: "nnstudio-muted", text: st.exportTab === "torch"
        ? "Runs unchanged under PyTorch: paste it into a file, load the state_dict and train at scale."
        : "The same model written with nnstudio (import nnstudio as torch)." }),
      pre);
    dlg.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); closeExport(); } });
    overlay.replaceChildren(dlg);
    copy.focus();
  }
  function closeExport() {
    st.exportOpen = false;
    dialogKey = null;
    overlay.hidden = true;
    overlay.replaceChildren();
    exportBtn.focus();
  }
  overlay.addEventListener("click", (e) => {
    if (e.target === overlay && !st.view.confirm) closeExport();
  });

  // ---------------------------------------------------------------- keyboard shortcuts
  root.addEventListener("keydown", (e) => {
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    if (mod && (key === "z" || key === "y") && !isTextEditing(e.target)) {
      e.preventDefault();
      send({ cmd: key === "y" || e.shiftKey ? "redo" : "undo" });
    }
    // keep JupyterLab's notebook shortcuts (a, b, d d, arrows, Shift+Enter…) from acting on keys meant for us
    if (!(e.shiftKey && e.key === "Enter")) e.stopPropagation();
  });

  // ---------------------------------------------------------------- update loop
  let paletteKey = null;
  function update() {
    const t0 = performance.now();
    const v = st.view;
    renderHeader(v);
    const pk = JSON.stringify(v.palette || []);
    if (pk !== paletteKey) { paletteKey = pk; renderPalette(); }
    const ta = performance.now();
    renderCanvas(v);
    const tb = performance.now();
    renderInspector(v);
    renderOverlay(v);
    const t1 = performance.now();
    root.dataset.renderParts = `header+palette ${(ta - t0).toFixed(1)} canvas ${(tb - ta).toFixed(1)} inspector ${(t1 - tb).toFixed(1)}`;
    root.dataset.rev = String(v.rev ?? 0);
    root.dataset.renderMs = (t1 - t0).toFixed(2);
    const sent = st.sentAt.get(v.ack);
    if (sent !== undefined) {
      root.dataset.roundtripMs = (t1 - sent).toFixed(2);
      st.sentAt.delete(v.ack);
    }
    // render + style + layout: read at the next animation frame, just before the paint
    requestAnimationFrame(() => {
      root.dataset.frameMs = (performance.now() - t0).toFixed(2);
      root.dataset.frameRev = String(v.rev ?? 0);
    });
  }
  const onChange = () => { st.view = model.get("view") || {}; update(); };
  model.on("change:view", onChange);
  update();
  send({ cmd: "hello" });

  return () => {
    model.off("change:view", onChange);
    window.removeEventListener("pointermove", onMove);
    window.removeEventListener("pointerup", onUp);
  };
}

export default { render };
