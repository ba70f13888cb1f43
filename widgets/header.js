// The header bar: starter design picker, undo/redo, save/load by file name, export, validity and total params.

import { fmtInt, h } from "./dom.js";

// ctx: {send, uid, openExport()}
export function createHeader(ctx) {
  const { send } = ctx;
  const designSel = h("select", { class: "nnstudio-design", "aria-label": "Starter design" });
  designSel.addEventListener("change", () => send({ cmd: "design", name: designSel.value }));
  const undoBtn = h(
    "button",
    { class: "nnstudio-btn nnstudio-undo", type: "button", title: "Undo (Ctrl+Z)", "aria-label": "Undo" },
    h("span", { class: "nnstudio-ico", "aria-hidden": "true", text: "↶" }),
    "Undo",
  );
  const redoBtn = h(
    "button",
    { class: "nnstudio-btn nnstudio-redo", type: "button", title: "Redo (Ctrl+Shift+Z)", "aria-label": "Redo" },
    h("span", { class: "nnstudio-ico", "aria-hidden": "true", text: "↷" }),
    "Redo",
  );
  undoBtn.setAttribute("aria-keyshortcuts", "Control+Z");
  redoBtn.setAttribute("aria-keyshortcuts", "Control+Shift+Z");
  undoBtn.addEventListener("click", () => send({ cmd: "undo" }));
  redoBtn.addEventListener("click", () => send({ cmd: "redo" }));
  const fileInput = h("input", {
    class: "nnstudio-filename",
    type: "text",
    placeholder: "design.json",
    "aria-label": "Design file name (in the notebook's folder)",
    spellcheck: "false",
  });
  const fileList = h("datalist", { id: `${ctx.uid}-files` });
  fileInput.setAttribute("list", fileList.id);
  const saveBtn = h(
    "button",
    { class: "nnstudio-btn nnstudio-save", type: "button", title: "Save the design as JSON in the notebook's folder" },
    "Save",
  );
  const loadBtn = h(
    "button",
    { class: "nnstudio-btn nnstudio-load", type: "button", title: "Load a design JSON from the notebook's folder" },
    "Load",
  );
  saveBtn.addEventListener("click", () => send({ cmd: "save", filename: fileInput.value }));
  loadBtn.addEventListener("click", () => send({ cmd: "load", filename: fileInput.value }));
  fileInput.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      send({ cmd: "save", filename: fileInput.value });
    }
  });
  const exportBtn = h(
    "button",
    {
      class: "nnstudio-btn nnstudio-btn-primary nnstudio-export",
      type: "button",
      title: "Show the model as nnstudio and PyTorch code",
    },
    h("span", { class: "nnstudio-ico", "aria-hidden": "true", text: "</>" }),
    "Export",
  );
  exportBtn.addEventListener("click", () => ctx.openExport());
  const total = h("span", { class: "nnstudio-param-total", "aria-label": "Total parameters" });
  const statusDot = h("span", { class: "nnstudio-status", "aria-live": "polite" });

  const el = h(
    "header",
    { class: "nnstudio-header" },
    h("div", { class: "nnstudio-brand" }, h("span", { class: "nnstudio-logo", "aria-hidden": "true" }), "nnstudio"),
    h("label", { class: "nnstudio-group" }, designSel),
    h("div", { class: "nnstudio-group", role: "group", "aria-label": "History" }, undoBtn, redoBtn),
    h("div", { class: "nnstudio-group", role: "group", "aria-label": "Design file" }, fileInput, fileList, saveBtn, loadBtn),
    exportBtn,
    h("div", { class: "nnstudio-spacer" }),
    statusDot,
    h("div", { class: "nnstudio-total" }, h("span", { class: "nnstudio-label", text: "params" }), total),
  );

  let designsKey = null;
  let filesKey = null;
  function update(v) {
    const designs = v.designs || [];
    const key = JSON.stringify(designs);
    if (designsKey !== key) {
      const titles = v.design_titles || {};
      designSel.replaceChildren(...designs.map((d) => h("option", { value: d, text: titles[d] || d })));
      designsKey = key;
    }
    if (!designs.includes(v.design)) {
      if (!designSel.querySelector("option[data-custom]")) {
        designSel.prepend(h("option", { value: "", "data-custom": "1", text: "(custom)" }));
      }
      designSel.value = "";
    } else {
      designSel.querySelector("option[data-custom]")?.remove();
      designSel.value = v.design;
    }
    undoBtn.disabled = !v.can_undo;
    redoBtn.disabled = !v.can_redo;
    const files = JSON.stringify(v.files || []);
    if (files !== filesKey) {
      fileList.replaceChildren(...(v.files || []).map((f) => h("option", { value: f })));
      filesKey = files;
    }
    if (v.filename && document.activeElement !== fileInput && fileInput.dataset.synced !== v.filename) {
      fileInput.value = v.filename;
      fileInput.dataset.synced = v.filename;
    }
    total.textContent = v.total_params === null || v.total_params === undefined ? "—" : fmtInt(v.total_params);
    const nErr = v.error_count || 0;
    statusDot.className = `nnstudio-status ${nErr ? "is-error" : "is-ok"}`;
    statusDot.textContent = nErr ? `${nErr} error${nErr > 1 ? "s" : ""}` : "valid";
    statusDot.title = nErr ? "Some blocks have errors: they are shown in red" : "Shapes check out: the model builds";
  }

  return { el, update, focusExport: () => exportBtn.focus() };
}

// the one-line message under the header (what the last command did, or why it was refused)
export function createMessage() {
  const el = h("div", { class: "nnstudio-message", role: "status", "aria-live": "polite" });
  function update(v) {
    const m = v.message;
    el.className = `nnstudio-message ${m?.text ? `is-${m.level || "info"}` : "is-empty"}`;
    el.textContent = m?.text ? m.text : "";
  }
  return { el, update };
}
