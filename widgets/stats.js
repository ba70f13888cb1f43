// Live statistics of one block while it trains: for each of its weights and for its output, the mean, the
// standard deviation and a small histogram (counts drawn as bars over [lo, hi]). Python sends them a few times
// a second (the `stats` trait); this only draws them.

import { fmtNum, fmtShape, h, s } from "./dom.js";

const W = 120;
const H = 28;

// an inline SVG histogram of `counts` (a list of numbers)
export function histogram(counts, label) {
  const svg = s("svg", {
    class: "nnstudio-hist",
    viewBox: `0 0 ${W} ${H}`,
    preserveAspectRatio: "none",
    role: "img",
    "aria-label": label,
  });
  const top = Math.max(1, ...counts);
  const bw = W / Math.max(1, counts.length);
  counts.forEach((c, i) => {
    const bh = c > 0 ? Math.max(1, (c / top) * (H - 2)) : 0;
    svg.append(s("rect", { x: (i * bw).toFixed(2), y: (H - bh).toFixed(2), width: Math.max(1, bw - 1).toFixed(2), height: bh.toFixed(2) }));
  });
  return svg;
}

function row(kind, name, st) {
  return h(
    "div",
    { class: `nnstudio-stat nnstudio-stat-${kind}`, "data-stat": name },
    h(
      "div",
      { class: "nnstudio-stat-head" },
      h("span", { class: "nnstudio-stat-name", text: name }),
      h("span", { class: "nnstudio-stat-shape", text: fmtShape(st.shape) }),
    ),
    h(
      "div",
      { class: "nnstudio-stat-body" },
      histogram(st.hist || [], `${name}: histogram from ${fmtNum(st.lo)} to ${fmtNum(st.hi)}`),
      h(
        "span",
        { class: "nnstudio-stat-nums" },
        h("span", { class: "nnstudio-stat-mean", text: `mean ${fmtNum(st.mean)}` }),
        h("span", { class: "nnstudio-stat-std", text: `std ${fmtNum(st.std)}` }),
        h("span", { class: "nnstudio-stat-range", text: `${fmtNum(st.lo)} … ${fmtNum(st.hi)}` }),
      ),
    ),
  );
}

// the statistics of block `name` from the `stats` trait, or a sentence saying when they come
export function statsView(stats, name, hasParams, isModule) {
  const b = stats?.blocks?.[name];
  const box = h("div", { class: "nnstudio-stats", "data-block": name });
  if (!isModule) {
    box.append(h("p", { class: "nnstudio-muted nnstudio-stats-empty", text: "An operation on its inputs: no weights to watch." }));
    return box;
  }
  if (!b) {
    let text = hasParams ? "Train to see its weights and its output live." : "Train to see its output live.";
    if (stats?.state === "running") text = "Measuring… (a few times a second while it trains)";
    box.append(h("p", { class: "nnstudio-muted nnstudio-stats-empty", text }));
    return box;
  }
  box.append(
    h("div", { class: "nnstudio-subtitle", text: `${stats.state === "running" ? "Live · " : ""}step ${stats.step ?? 0}` }),
    ...(b.weights || []).map((w) => row("weight", w.name, w)),
    b.output
      ? row("output", "output", b.output)
      : h("p", { class: "nnstudio-muted nnstudio-stats-later", text: "Its output shows once it trains." }),
  );
  return box;
}
