// Small DOM helpers shared by the builder's components (no framework): element and SVG makers, number and
// shape formatting.

const SVG_NS = "http://www.w3.org/2000/svg";

// h("div", {class: "x", text: "hi", onclick: fn, style: {"--hue": 200}}, ...children): an HTML element
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k === "style" && typeof v === "object") {
      for (const [sk, sv] of Object.entries(v)) {
        if (sk.startsWith("--")) el.style.setProperty(sk, String(sv));
        else el.style[sk] = sv;
      }
    } else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// s("path", {d: "M 0 0"}): an SVG element
export function s(tag, attrs = {}) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

export const fmtInt = (n) =>
  n === null || n === undefined
    ? ""
    : String(Math.trunc(Number(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

export function fmtShape(shape) {
  if (shape === null || shape === undefined) return "—";
  if (typeof shape === "string") return shape;
  if (Array.isArray(shape)) {
    if (shape.length && Array.isArray(shape[0])) return shape.map(fmtShape).join(", ");
    return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  }
  return String(shape);
}

// a number in at most 3 significant digits ("0.0123", "-1.5e+3")
export function fmtNum(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e4)) return x.toExponential(1);
  return String(Number(x.toPrecision(3)));
}

// true while the user types into a text field (keyboard shortcuts then belong to the field)
export function isTextEditing(target) {
  if (!target?.tagName) return false;
  const tag = target.tagName.toLowerCase();
  if (tag === "textarea" || target.isContentEditable) return true;
  if (tag === "input") return !["checkbox", "radio", "button", "submit"].includes(target.type);
  return false;
}
