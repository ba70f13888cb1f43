// The layer palette: categories of layer types (colours from Python's registry), a filter box; click or Enter
// adds a layer after the selected block, dragging one onto the canvas inserts it where it is dropped.

import { h } from "./dom.js";

// ctx: {send, view(), drag: {startLayer(event, type), end()}}
export function createPalette(ctx) {
  const collapsed = new Set();
  let filter = "";
  let key = null;
  const search = h("input", {
    class: "nnstudio-palette-search",
    type: "search",
    placeholder: "Filter layers…",
    "aria-label": "Filter layer types",
  });
  const list = h("div", { class: "nnstudio-palette-list" });
  const el = h(
    "nav",
    {
      class: "nnstudio-palette",
      "aria-label": "Layer palette: drag a layer onto the canvas, or press Enter to add it after the selected block",
    },
    h("div", { class: "nnstudio-panel-title", text: "Layers" }),
    search,
    list,
  );
  search.addEventListener("input", () => {
    filter = search.value.trim().toLowerCase();
    draw(ctx.view().palette || []);
  });

  function item(it, hue) {
    const tip = it.formula ? `${it.help}\nshape: ${it.formula}` : it.help || it.type;
    const btn = h(
      "button",
      {
        class: "nnstudio-palette-item",
        type: "button",
        draggable: "true",
        "data-layer": it.type,
        role: "listitem",
        title: tip,
        "aria-label": `Add ${it.type}: ${it.help || ""}`,
        style: { "--hue": hue },
      },
      h("span", { class: "nnstudio-swatch", "aria-hidden": "true" }),
      it.type,
    );
    btn.addEventListener("click", () => ctx.send({ cmd: "add", layer: it.type, after: ctx.view().selected ?? null }));
    btn.addEventListener("dragstart", (e) => ctx.drag.startLayer(e, it.type));
    btn.addEventListener("dragend", () => ctx.drag.end());
    return btn;
  }

  function draw(cats) {
    const groups = [];
    for (const cat of cats) {
      const items = cat.items.filter(
        (it) => !filter || it.type.toLowerCase().includes(filter) || (it.help || "").toLowerCase().includes(filter),
      );
      if (!items.length) continue;
      const det = h("details", { class: "nnstudio-palette-cat", "data-category": cat.category });
      if (!collapsed.has(cat.category) || filter) det.open = true;
      det.addEventListener("toggle", () => {
        if (filter) return;
        if (det.open) collapsed.delete(cat.category);
        else collapsed.add(cat.category);
      });
      det.append(h("summary", { style: { "--hue": cat.hue } }, cat.category));
      det.append(h("div", { class: "nnstudio-palette-items", role: "list" }, ...items.map((it) => item(it, cat.hue))));
      groups.push(det);
    }
    if (!groups.length) groups.push(h("div", { class: "nnstudio-empty", text: "No layer matches." }));
    list.replaceChildren(...groups);
  }

  function update(v) {
    const k = JSON.stringify(v.palette || []);
    if (k === key) return;
    key = k;
    draw(v.palette || []);
  }

  return { el, update };
}
