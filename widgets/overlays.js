// Dialogs over the builder: "Training is running: stop and edit?" (from Python's `confirm`) and the exported code
// in both flavours (nnstudio and PyTorch) with a Copy button. Escape closes them.

import { h } from "./dom.js";

// ctx: {send, root, view(), focusExport()}
export function createOverlays(ctx) {
  const { send } = ctx;
  const el = h("div", { class: "nnstudio-overlay", hidden: true });
  let exportOpen = false;
  let tab = "nnstudio";
  let shown = null;

  function confirmDialog(c) {
    const yes = h("button", { type: "button", class: "nnstudio-btn nnstudio-btn-primary nnstudio-confirm-yes" }, c.yes || "Stop training and edit");
    const no = h("button", { type: "button", class: "nnstudio-btn nnstudio-confirm-no" }, c.no || "Keep training");
    yes.addEventListener("click", () => send({ cmd: "confirm" }));
    no.addEventListener("click", () => send({ cmd: "cancel" }));
    const dlg = h(
      "div",
      { class: "nnstudio-dialog nnstudio-confirm", role: "alertdialog", "aria-modal": "true", "aria-label": "Training is running" },
      h("h3", { text: "Training is running" }),
      h("p", { text: c.text }),
      h("div", { class: "nnstudio-row nnstudio-row-end" }, no, yes),
    );
    dlg.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.preventDefault();
        send({ cmd: "cancel" });
      }
    });
    el.replaceChildren(dlg);
    yes.focus();
  }

  async function copyText(code, button, pre) {
    let ok = false;
    try {
      await navigator.clipboard.writeText(code);
      ok = true;
    } catch (_) {
      const ta = h("textarea", { style: { position: "fixed", opacity: "0" } });
      ta.value = code;
      ctx.root.append(ta);
      ta.select();
      try {
        ok = document.execCommand("copy");
      } catch (_e) {
        ok = false;
      }
      ta.remove();
    }
    button.textContent = ok ? "Copied ✓" : "Select and copy";
    if (!ok) {
      const r = document.createRange();
      r.selectNodeContents(pre);
      getSelection().removeAllRanges();
      getSelection().addRange(r);
    }
    setTimeout(() => {
      button.textContent = "Copy";
    }, 1600);
  }

  function exportDialog(ex) {
    const code = ex.error ? ex.error : ex[tab] || "";
    const pre = h("pre", { class: "nnstudio-code", tabindex: "0", "aria-label": "Exported code" }, h("code", { text: code }));
    const copy = h("button", { type: "button", class: "nnstudio-btn nnstudio-btn-primary nnstudio-copy" }, "Copy");
    copy.addEventListener("click", () => copyText(code, copy, pre));
    const close = h("button", { type: "button", class: "nnstudio-btn nnstudio-close", "aria-label": "Close", text: "Close" });
    close.addEventListener("click", closeExport);
    const tabs = [
      ["nnstudio", "nnstudio"],
      ["torch", "PyTorch"],
    ].map(([k, label]) => {
      const t = h("button", { type: "button", role: "tab", class: `nnstudio-tab nnstudio-tab-${k}`, "aria-selected": String(k === tab), text: label });
      t.addEventListener("click", () => {
        tab = k;
        update(ctx.view());
        el.querySelector(`.nnstudio-tab-${k}`)?.focus();
      });
      return t;
    });
    const dlg = h(
      "div",
      { class: "nnstudio-dialog nnstudio-export-dialog", role: "dialog", "aria-modal": "true", "aria-label": "Export code" },
      h(
        "div",
        { class: "nnstudio-dialog-head" },
        h("h3", { text: "Export code" }),
        h("div", { class: "nnstudio-tabs", role: "tablist", "aria-label": "Code flavour" }, ...tabs),
        h("div", { class: "nnstudio-spacer" }),
        copy,
        close,
      ),
      h("p", {
        class: "nnstudio-muted",
        text:
          tab === "torch"
            ? "Runs unchanged under PyTorch: paste it into a file, load the state_dict and train at scale."
            : "The same model written with nnstudio (import nnstudio as torch).",
      }),
      pre,
    );
    dlg.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        closeExport();
      }
    });
    el.replaceChildren(dlg);
    copy.focus();
  }

  function update(v) {
    let key = null;
    if (v.confirm) key = `confirm:${v.confirm.text}`;
    else if (exportOpen && v.export) key = `export:${v.export.rev}:${tab}`;
    if (key === shown) return;
    shown = key;
    el.hidden = !key;
    if (!key) el.replaceChildren();
    else if (v.confirm) confirmDialog(v.confirm);
    else exportDialog(v.export);
  }

  function closeExport() {
    exportOpen = false;
    shown = null;
    el.hidden = true;
    el.replaceChildren();
    ctx.focusExport();
  }

  el.addEventListener("click", (e) => {
    if (e.target === el && !ctx.view().confirm) closeExport();
  });

  return {
    el,
    update,
    openExport() {
      exportOpen = true;
      send({ cmd: "export" });
    },
  };
}
