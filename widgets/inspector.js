// The inspector: the selected block's name, help, formula, output shape and parameters, its settings as a form
// (a refused value stays in its field with the reason under it), its inputs and wiring, live statistics while it
// trains, and Delete. With nothing selected: the keyboard help.

import { fmtInt, fmtShape, h } from "./dom.js";
import { statsView } from "./stats.js";

function keyHelp() {
  return [
    h("div", { class: "nnstudio-panel-title", text: "Inspector" }),
    h(
      "div",
      { class: "nnstudio-empty" },
      h("p", { text: "Select a block to edit its settings." }),
      h(
        "ul",
        { class: "nnstudio-keys" },
        h("li", {}, h("kbd", { text: "drag" }), " a layer from the palette onto the canvas"),
        h("li", {}, h("kbd", { text: "↑" }), h("kbd", { text: "↓" }), " move between blocks, ", h("kbd", { text: "Alt" }), "+", h("kbd", { text: "↑↓" }), " reorder"),
        h("li", {}, h("kbd", { text: "Del" }), " remove the selected block"),
        h("li", {}, h("kbd", { text: "Ctrl+Z" }), " undo, ", h("kbd", { text: "Ctrl+Shift+Z" }), " redo"),
      ),
    ),
  ];
}

// ctx: {send, uid, stats()}
export function createInspector(ctx) {
  const { send } = ctx;
  const el = h("aside", { class: "nnstudio-inspector", "aria-label": "Inspector" });
  const statsBox = h("div", { class: "nnstudio-ins-stats", "aria-live": "off" });
  let key = null;
  let current = null; // the inspector dict shown

  function sendField(owner, f, value) {
    // the block whose form this field belongs to (the selection may have moved on since it was drawn)
    send({ cmd: "update", name: owner, field: f.name, value });
  }

  function fieldInput(f, errs, owner) {
    const id = `${ctx.uid}-f-${f.name}`;
    const err = errs[f.name];
    const common = { id, "data-field": f.name, title: f.help || null, "aria-describedby": `${id}-msg` };
    let input;
    if (f.kind === "bool") {
      input = h("input", { ...common, type: "checkbox", class: "nnstudio-check" });
      input.checked = !!f.value;
      input.addEventListener("change", () => sendField(owner, f, input.checked));
    } else if (f.kind === "choice") {
      input = h(
        "select",
        { ...common, class: "nnstudio-input" },
        ...(f.choices || []).map((c) => h("option", { value: JSON.stringify(c), text: c === null ? "auto" : String(c) })),
      );
      input.value = JSON.stringify(f.value ?? null);
      input.addEventListener("change", () => sendField(owner, f, JSON.parse(input.value)));
    } else {
      const numeric = f.kind === "int" || f.kind === "float";
      const has = (x) => x !== null && x !== undefined;
      input = h("input", {
        ...common,
        class: "nnstudio-input",
        type: numeric ? "number" : "text",
        step: f.kind === "int" ? "1" : f.kind === "float" ? "any" : null,
        min: numeric && has(f.min) ? f.min : null,
        max: numeric && has(f.max) ? f.max : null,
        inputmode: f.kind === "int" ? "numeric" : f.kind === "float" ? "decimal" : null,
        placeholder: f.optional ? (has(f.inferred) ? `auto (${f.inferred})` : "auto") : null,
        spellcheck: "false",
        autocomplete: "off",
      });
      input.value = err ? (err.raw ?? "") : (f.display ?? "");
      input.addEventListener("change", () => sendField(owner, f, input.value));
      input.addEventListener("keydown", (e) => {
        // Enter commits through the input's own "change" event (sent once); Escape drops a refused value
        if (e.key === "Escape") {
          e.preventDefault();
          send({ cmd: "revert", name: owner, field: f.name });
        }
      });
    }
    if (err) {
      input.setAttribute("aria-invalid", "true");
      input.classList.add("is-invalid");
    }
    const bound = (x, op) => (x !== null && x !== undefined ? `${op} ${x}` : null);
    const range = f.kind === "int" || f.kind === "float" ? [bound(f.min, "≥"), bound(f.max, "≤")].filter(Boolean).join(", ") : "";
    return h(
      "div",
      { class: `nnstudio-field nnstudio-field-${f.kind}${err ? " is-invalid" : ""}` },
      h(
        "label",
        { for: id, class: "nnstudio-field-label", title: f.help || null },
        f.name,
        h("span", { class: "nnstudio-help", "aria-hidden": "true", title: f.help || "", text: "?" }),
      ),
      input,
      h("div", {
        id: `${id}-msg`,
        class: err ? "nnstudio-field-error" : "nnstudio-field-help",
        role: err ? "alert" : null,
        text: err ? err.message : [f.help, range].filter(Boolean).join(" · "),
      }),
    );
  }

  function renameField(ins) {
    const input = h("input", {
      class: "nnstudio-input nnstudio-rename",
      type: "text",
      value: ins.name,
      spellcheck: "false",
      "aria-label": `Name of block ${ins.name}`,
      title: "The block's name: its submodule and parameter names (fc1.weight …)",
    });
    input.value = ins.name;
    input.addEventListener("change", () => send({ cmd: "rename", name: ins.name, new_name: input.value }));
    input.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.preventDefault();
        input.value = ins.name;
      }
    });
    return h("label", { class: "nnstudio-field nnstudio-field-name" }, h("span", { class: "nnstudio-field-label", text: "name" }), input);
  }

  function inputsSection(ins) {
    const box = h("div", { class: "nnstudio-ins-inputs" }, h("div", { class: "nnstudio-subtitle", text: "Inputs" }));
    for (const src of ins.inputs || []) {
      const rm = h("button", {
        type: "button",
        class: "nnstudio-btn nnstudio-btn-icon nnstudio-disconnect",
        "aria-label": `Remove the wire from ${src}`,
        title: "Remove this wire",
        text: "×",
      });
      rm.addEventListener("click", () => send({ cmd: "disconnect", src, dst: ins.name }));
      box.append(h("div", { class: "nnstudio-ins-input" }, h("span", { class: "nnstudio-chip", text: src }), rm));
    }
    if ((ins.candidates || []).length) {
      const sel = h(
        "select",
        { class: "nnstudio-input nnstudio-connect-src", "aria-label": `Wire another block into ${ins.name}` },
        ...ins.candidates.map((c) => h("option", { value: c, text: c })),
      );
      const go = h(
        "button",
        {
          type: "button",
          class: "nnstudio-btn nnstudio-connect",
          title: ins.merge ? "Add an input to this merge block" : "Add the chosen block's output to this input (inserts an Add)",
        },
        "Wire in",
      );
      go.addEventListener("click", () => send({ cmd: "connect", src: sel.value, dst: ins.name }));
      box.append(h("div", { class: "nnstudio-row" }, sel, go));
    }
    return box;
  }

  function sections(v) {
    const ins = v.inspector;
    const errs = v.field_errors || {};
    const kids = [
      h("div", { class: "nnstudio-panel-title" }, h("span", { class: "nnstudio-ins-name", text: ins.name }), h("span", { class: "nnstudio-ins-type", text: ins.type })),
      renameField(ins),
      ins.help ? h("p", { class: "nnstudio-ins-help", text: ins.help }) : null,
      ins.formula ? h("p", { class: "nnstudio-ins-formula", title: "shape rule", text: ins.formula }) : null,
      h(
        "div",
        { class: "nnstudio-ins-facts" },
        h("span", { class: "nnstudio-fact" }, h("span", { class: "nnstudio-fact-k", text: "output" }), h("span", { class: "nnstudio-fact-v nnstudio-ins-shape", text: fmtShape(ins.shape) })),
        h(
          "span",
          { class: "nnstudio-fact" },
          h("span", { class: "nnstudio-fact-k", text: "params" }),
          h("span", { class: "nnstudio-fact-v", text: ins.params === null || ins.params === undefined ? "—" : fmtInt(ins.params) }),
        ),
      ),
      ins.error ? h("div", { class: "nnstudio-ins-error", role: "alert", text: ins.error }) : null,
    ];
    const form = h("form", { class: "nnstudio-form", "aria-label": `Settings of ${ins.name}`, onsubmit: (e) => e.preventDefault() });
    for (const f of ins.fields || []) form.append(fieldInput(f, errs, ins.name));
    if (!(ins.fields || []).length) form.append(h("p", { class: "nnstudio-muted", text: "This layer has no settings." }));
    kids.push(form);
    if (!ins.role) kids.push(statsBox); // a layer or an op (not the Input or the Output)
    if (ins.role !== "input") kids.push(inputsSection(ins));
    if (ins.removable !== false) {
      const del = h("button", { type: "button", class: "nnstudio-btn nnstudio-btn-danger nnstudio-delete" }, "Delete block");
      del.addEventListener("click", () => send({ cmd: "remove", name: ins.name }));
      kids.push(h("div", { class: "nnstudio-row nnstudio-row-end" }, del));
    }
    return kids.filter(Boolean);
  }

  // the same block's form holds the keyboard focus: patch it in place (removing a focused input blurs it, which
  // costs JupyterLab's focus tracking ~15 ms and loses the caret)
  function patchFocusedForm(list, oldForm, newForm, focusedField) {
    for (const fresh of Array.from(newForm.children)) {
      const field = fresh.querySelector("[data-field]")?.dataset.field;
      const stale = field && oldForm.querySelector(`[data-field="${CSS.escape(field)}"]`)?.closest(".nnstudio-field");
      if (!stale) continue;
      if (!stale.contains(focusedField)) {
        stale.replaceWith(fresh);
        continue;
      }
      const inp = fresh.querySelector("[data-field]");
      for (const a of ["class", "aria-invalid", "placeholder", "min", "max", "title"]) {
        if (inp.hasAttribute(a)) focusedField.setAttribute(a, inp.getAttribute(a));
        else focusedField.removeAttribute(a);
      }
      if (focusedField.type === "checkbox") focusedField.checked = inp.checked;
      else if (focusedField.value !== inp.value) focusedField.value = inp.value;
      stale.className = fresh.className;
      stale.querySelector(".nnstudio-field-help, .nnstudio-field-error")?.replaceWith(fresh.querySelector(".nnstudio-field-help, .nnstudio-field-error"));
    }
    for (const c of Array.from(el.children)) if (c !== oldForm) c.remove();
    const at = list.indexOf(newForm);
    for (const k of list.slice(0, at)) el.insertBefore(k, oldForm);
    for (const k of list.slice(at + 1)) el.append(k);
  }

  function update(v) {
    const ins = v.inspector;
    const k = JSON.stringify([ins, v.field_errors]);
    if (k === key) return;
    key = k;
    current = ins;
    const active = el.contains(document.activeElement) ? document.activeElement : null;
    const activeField = active?.dataset?.field;
    const activeCls = active?.className;
    if (!ins) {
      el.replaceChildren(...keyHelp());
      return;
    }
    updateStats(ctx.stats());
    const list = sections(v);
    const oldForm = el.querySelector(":scope > .nnstudio-form");
    const newForm = list.find((x) => x.classList?.contains("nnstudio-form"));
    const focusedField = activeField && oldForm?.contains(active) ? active : null;
    if (focusedField && newForm && oldForm.getAttribute("aria-label") === newForm.getAttribute("aria-label")) {
      patchFocusedForm(list, oldForm, newForm, focusedField);
      return;
    }
    el.replaceChildren(...list);
    if (activeField) el.querySelector(`[data-field="${CSS.escape(activeField)}"]`)?.focus();
    else if (activeCls) {
      const cls = activeCls.split(" ").find((c) => c.startsWith("nnstudio-") && c !== "nnstudio-btn" && c !== "nnstudio-input");
      if (cls) el.querySelector(`.${cls}`)?.focus();
    }
  }

  // redraw only the live statistics (a few times a second while training; the form is left alone)
  function updateStats(stats) {
    if (!current || current.role) return;
    const params = current.params !== null && current.params !== undefined && current.params > 0;
    statsBox.replaceChildren(statsView(stats, current.name, params, current.is_module));
  }

  return { el, update, updateStats, focusFirst: () => el.querySelector("input, select, button")?.focus() };
}
