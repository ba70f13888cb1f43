// nnstudio live plots, drawn in the browser (canvas 2-D): the kernel sends numbers, not pictures.
// The Python side (nnstudio/studio/live_plot.py) syncs two traits in one message per frame:
//   spec:  {title, aspect, plots: [{title, ratio, ylog, xlim, ylim, xlabel, note, legend,
//                           series: [{label, color, width, alpha, dots, x: [offset, n], y: [offset, n]}],
//                           bars:   {lo, hi, y: [offset, n], color, label}}]}
//          or a plot of labelled horizontal bars (log length) with a log colour bar:
//                          {title, hbars: {labels, x: [offset, n], colors, xlabel}, colorbar: {lo, hi, stops, label}}
//   frame: float32 little-endian values; `[offset, n]` index into it.
// A frame redraws everything (a few thousand points: well under a millisecond); nothing is kept between frames
// but the canvas, so a page reload draws the last frame at once.

const PAD = { left: 40, right: 8, top: 16, bottom: 16 };

function niceTicks(lo, hi, count) {
  const span = hi - lo;
  if (!(span > 0) || !Number.isFinite(span)) return [lo];
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

function fmt(v) {
  const a = Math.abs(v);
  if (a === 0) return "0";
  if (a >= 1e4 || a < 1e-2) return v.toExponential(0).replace("e+", "e");
  return `${+v.toPrecision(3)}`;
}

function readFrame(dv) {
  if (!dv?.byteLength) return new Float32Array(0);
  // copy: the view's offset need not be 4-aligned
  return new Float32Array(dv.buffer.slice(dv.byteOffset, dv.byteOffset + dv.byteLength));
}

function take(data, ref) {
  if (!ref) return new Float32Array(0);
  return data.subarray(ref[0], ref[0] + ref[1]);
}

// one labelled bar a row, its length on a log axis (the parameter shapes panel), and a vertical log colour bar
function drawHBars(ctx, p, data, box, ink, grid) {
  const { x0, y0, w, h } = box;
  const hb = p.hbars;
  const xs = take(data, hb.x);
  const labels = hb.labels || [];
  const n = Math.min(labels.length, xs.length);
  const cb = p.colorbar;
  ctx.fillStyle = ink;
  ctx.font = "10px var(--jp-ui-font-family, sans-serif)";
  ctx.textAlign = "left";
  ctx.textBaseline = "alphabetic";
  if (p.title) ctx.fillText(p.title, x0 + 4, y0 + 11);
  const T = y0 + PAD.top, B = y0 + h - PAD.bottom - (hb.xlabel ? 10 : 0);
  const rowH = (B - T) / Math.max(1, n);
  const size = Math.max(6, Math.min(10, rowH * 0.8));
  ctx.font = `${size}px var(--jp-ui-font-family, sans-serif)`;
  let widest = 0;
  for (let i = 0; i < n; i++) widest = Math.max(widest, ctx.measureText(labels[i]).width);
  const L = x0 + Math.min(w * 0.45, widest + 8), R = x0 + w - PAD.right - (cb ? 40 : 0);
  let hi = 1;
  for (let i = 0; i < n; i++) hi = Math.max(hi, xs[i]);
  const llo = Math.log10(0.8), lhi = Math.log10(hi * 1.6);
  const X = (v) => L + ((Math.log10(Math.max(v, 0.8)) - llo) / (lhi - llo)) * (R - L);
  ctx.strokeStyle = grid;
  ctx.lineWidth = 1;
  ctx.font = "10px var(--jp-ui-font-family, sans-serif)";
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (let d = 0; 10 ** d <= hi * 1.6; d++) {
    const xx = X(10 ** d);
    ctx.beginPath(); ctx.moveTo(xx, T); ctx.lineTo(xx, B); ctx.stroke();
    ctx.fillText(d < 4 ? String(10 ** d) : `1e${d}`, xx, B + 2);
  }
  if (hb.xlabel) { ctx.textAlign = "right"; ctx.fillText(hb.xlabel, R, B + 12); }
  ctx.strokeStyle = ink;
  ctx.strokeRect(L, T, R - L, B - T);
  ctx.font = `${size}px var(--jp-ui-font-family, sans-serif)`;
  ctx.textBaseline = "middle";
  for (let i = 0; i < n; i++) {
    const yy = T + (i + 0.5) * rowH;
    ctx.fillStyle = (hb.colors || [])[i] || "#1f77b4";
    ctx.fillRect(L, yy - rowH * 0.35, Math.max(1, X(xs[i]) - L), rowH * 0.7);
    ctx.fillStyle = ink;
    ctx.textAlign = "right";
    ctx.fillText(labels[i], L - 4, yy);
  }
  if (cb) {  // high values at the top, as matplotlib's colour bar
    const cx = R + 6, stops = cb.stops || [];
    const g = ctx.createLinearGradient(0, B, 0, T);
    stops.forEach((c, i) => {
      g.addColorStop(stops.length > 1 ? i / (stops.length - 1) : 0, c);
    });
    ctx.fillStyle = g;
    ctx.fillRect(cx, T, 8, B - T);
    ctx.strokeStyle = ink;
    ctx.strokeRect(cx, T, 8, B - T);
    ctx.fillStyle = ink;
    ctx.font = "9px var(--jp-ui-font-family, sans-serif)";
    ctx.textAlign = "left";
    ctx.fillText(fmt(cb.hi), cx + 10, T + 4);
    ctx.fillText(fmt(cb.lo), cx + 10, B - 4);
    if (cb.label) {
      ctx.save();
      ctx.translate(cx + 16, (T + B) / 2);
      ctx.rotate(-Math.PI / 2);
      ctx.textAlign = "center";
      ctx.fillText(cb.label, 0, 0);
      ctx.restore();
    }
  }
}

function drawPlot(ctx, p, data, box, ink, grid) {
  if (p.hbars) {
    drawHBars(ctx, p, data, box, ink, grid);
    return;
  }
  const { x0, y0, w, h } = box;
  const L = x0 + PAD.left, R = x0 + w - PAD.right - (p.legend ? 78 : 0), T = y0 + PAD.top, B = y0 + h - PAD.bottom;
  ctx.fillStyle = ink;
  ctx.font = "10px var(--jp-ui-font-family, sans-serif)";
  ctx.textBaseline = "alphabetic";
  ctx.textAlign = "left";
  if (p.title) ctx.fillText(p.title, L, y0 + 11);
  const series = (p.series || []).map((s) => ({ ...s, xs: take(data, s.x), ys: take(data, s.y) }));
  const bars = p.bars ? { ...p.bars, ys: take(data, p.bars.y) } : null;
  // ranges
  let [xlo, xhi] = p.xlim || [Infinity, -Infinity];
  let [ylo, yhi] = p.ylim || [Infinity, -Infinity];
  const fitX = !p.xlim, fitY = !p.ylim;
  for (const s of series) {
    for (let i = 0; i < s.xs.length; i++) {
      const xv = s.xs[i], yv = s.ys[i];
      if (!Number.isFinite(yv) || (p.ylog && yv <= 0)) continue;
      if (fitX) { xlo = Math.min(xlo, xv); xhi = Math.max(xhi, xv); }
      if (fitY) { ylo = Math.min(ylo, yv); yhi = Math.max(yhi, yv); }
    }
  }
  if (bars) { xlo = bars.lo; xhi = bars.hi; if (fitY) { ylo = 0; yhi = Math.max(1, ...bars.ys) * 1.1; } }
  if (!Number.isFinite(xlo) || !Number.isFinite(xhi)) { xlo = 0; xhi = 1; }
  if (!Number.isFinite(ylo) || !Number.isFinite(yhi)) { ylo = p.ylog ? 1e-3 : 0; yhi = 1; }
  if (fitY && !p.ylog && ylo >= 0 && !p.yfree) ylo = 0; // a loss or a norm is >= 0: anchor the view at 0
  if (xhi <= xlo) xhi = xlo + 1;
  if (p.ylog) { ylo = Math.log10(ylo); yhi = Math.log10(yhi); if (fitY) { ylo = Math.floor(ylo * 2) / 2; yhi = Math.ceil(yhi * 2) / 2; } }
  if (yhi <= ylo) { yhi = ylo + (p.ylog ? 1 : Math.max(1e-6, Math.abs(ylo) * 0.1 || 1)); }
  else if (fitY && !p.ylog) yhi += (yhi - ylo) * 0.05;
  const X = (v) => L + ((v - xlo) / (xhi - xlo)) * (R - L);
  const Y = (v) => B - (((p.ylog ? Math.log10(v) : v) - ylo) / (yhi - ylo)) * (B - T);
  // axes and grid
  ctx.strokeStyle = grid;
  ctx.lineWidth = 1;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  const yt = p.ylog ? niceTicks(Math.ceil(ylo), Math.floor(yhi), 4).filter((v) => Number.isInteger(v)) : (p.noyticks ? [] : niceTicks(ylo, yhi, 4));
  for (const t of yt) {
    const yy = p.ylog ? B - ((t - ylo) / (yhi - ylo)) * (B - T) : Y(t);
    ctx.beginPath(); ctx.moveTo(L, yy); ctx.lineTo(R, yy); ctx.stroke();
    ctx.fillText(p.ylog ? `1e${t}` : fmt(t), L - 3, yy);
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const t of niceTicks(xlo, xhi, 4)) {
    const xx = X(t);
    ctx.beginPath(); ctx.moveTo(xx, T); ctx.lineTo(xx, B); ctx.stroke();
    ctx.fillText(fmt(t), xx, B + 2);
  }
  ctx.strokeStyle = ink;
  ctx.strokeRect(L, T, R - L, B - T);
  // data
  ctx.save();
  ctx.beginPath(); ctx.rect(L, T, R - L, B - T); ctx.clip();
  if (p.image) {
    const { w: iw, h: ih } = p.image, px = take(data, p.image.rgba);
    const img = new ImageData(iw, ih);
    for (let r = 0; r < ih; r++) {  // row 0 of the grid is the bottom of the plot
      for (let c = 0; c < iw; c++) {
        const src = 4 * (r * iw + c), dst = 4 * ((ih - 1 - r) * iw + c);
        for (let k = 0; k < 4; k++) img.data[dst + k] = Math.round(255 * px[src + k]);
      }
    }
    const off = document.createElement("canvas");
    off.width = iw; off.height = ih;
    off.getContext("2d").putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(off, L, T, R - L, B - T);
  }
  if (p.points) {
    const xs = take(data, p.points.x), ys = take(data, p.points.y), cs = take(data, p.points.c);
    const colors = p.points.colors || ["#1f77b4"];
    ctx.strokeStyle = "#ffffff";
    ctx.lineWidth = 0.4;
    for (let i = 0; i < xs.length; i++) {
      ctx.fillStyle = colors[(cs[i] | 0) % colors.length];
      ctx.beginPath(); ctx.arc(X(xs[i]), Y(ys[i]), 2, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
    }
  }
  if (bars?.ys.length) {
    const n = bars.ys.length, bw = (R - L) / n;
    ctx.fillStyle = bars.color || "#1f77b4";
    ctx.globalAlpha = 0.75;
    for (let i = 0; i < n; i++) {
      const top = Y(bars.ys[i]);
      ctx.fillRect(L + i * bw, top, Math.max(1, bw - 0.5), B - top);
    }
    ctx.globalAlpha = 1;
  }
  for (const s of series) {
    ctx.strokeStyle = ctx.fillStyle = s.color || ink;
    ctx.globalAlpha = s.alpha ?? 1;
    ctx.lineWidth = s.width || 1.2;
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < s.xs.length; i++) {
      const yv = s.ys[i];
      if (!Number.isFinite(yv) || (p.ylog && yv <= 0)) { pen = false; continue; }
      const xx = X(s.xs[i]), yy = Y(yv);
      if (pen) ctx.lineTo(xx, yy); else ctx.moveTo(xx, yy);
      pen = true;
    }
    ctx.stroke();
    if (s.dots) {
      for (let i = 0; i < s.xs.length; i++) {
        if (!Number.isFinite(s.ys[i])) continue;
        ctx.beginPath(); ctx.arc(X(s.xs[i]), Y(s.ys[i]), 1.8, 0, 2 * Math.PI); ctx.fill();
      }
    }
    ctx.globalAlpha = 1;
  }
  ctx.restore();
  // legend, note, label
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  if (p.legend) {
    const shown = series.filter((s) => s.label).slice(0, 16);
    shown.forEach((s, i) => {
      const yy = T + 6 + i * 11;
      ctx.fillStyle = s.color || ink;
      ctx.fillRect(R + 6, yy - 1, 10, Math.max(2, s.width || 1));
      ctx.fillStyle = ink;
      ctx.fillText(s.label.length > 12 ? `${s.label.slice(0, 11)}…` : s.label, R + 19, yy);
    });
  } else {
    const labelled = series.filter((s) => s.label);
    labelled.forEach((s, i) => {
      const yy = T + 7 + i * 11;
      ctx.fillStyle = s.color || ink;
      ctx.fillRect(R - 78, yy - 1, 10, 2);
      ctx.fillStyle = ink;
      ctx.fillText(s.label, R - 64, yy);
    });
  }
  if (bars?.label) { ctx.fillStyle = ink; ctx.fillText(bars.label, L + 4, T + 8); }
  if (p.note) { ctx.fillStyle = ink; ctx.textAlign = "center"; ctx.fillText(p.note, (L + R) / 2, (T + B) / 2); }
  if (p.xlabel) { ctx.fillStyle = ink; ctx.textAlign = "right"; ctx.textBaseline = "top"; ctx.fillText(p.xlabel, R, B + 2); }
}

function render({ model, el }) {
  const canvas = document.createElement("canvas");
  canvas.className = "nnstudio-live-canvas";
  canvas.setAttribute("role", "img");
  el.classList.add("nnstudio-live-plot");
  el.appendChild(canvas);
  const aspect = () => (model.get("spec")?.aspect || model.get("aspect") || 0.77);
  let pending = false;

  function draw() {
    pending = false;
    const spec = model.get("spec") || {};
    canvas.setAttribute("aria-label", spec.title || "live plot");
    const width = Math.max(160, Math.min(el.clientWidth || 396, model.get("max_width") || 396));
    const height = Math.round(width * aspect());
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const css = getComputedStyle(el);
    const ink = css.getPropertyValue("--jp-ui-font-color2").trim() || "#8a8a8a";
    const grid = css.getPropertyValue("--jp-border-color2").trim() || "#8a8a8a40";
    const plots = spec.plots || [];
    const data = readFrame(model.get("frame"));
    const total = plots.reduce((a, p) => a + (p.ratio || 1), 0) || 1;
    let y = 0;
    for (const p of plots) {
      const h = (height * (p.ratio || 1)) / total;
      drawPlot(ctx, p, data, { x0: 0, y0: y, w: width, h }, ink, grid);
      y += h;
    }
    el.dataset.frames = String((+el.dataset.frames || 0) + 1);
  }
  const soon = () => { if (!pending) { pending = true; requestAnimationFrame(draw); } };
  model.on("change:frame", soon);
  model.on("change:spec", soon);
  const ro = new ResizeObserver(soon);
  ro.observe(el);
  // tell the kernel whether this panel is on screen: it skips drawing what nobody sees
  const io = new IntersectionObserver((entries) => {
    const seen = entries.some((e) => e.isIntersecting);
    if (model.get("visible") !== seen) { model.set("visible", seen); model.save_changes(); }
  });
  io.observe(el);
  draw();
  return () => { ro.disconnect(); io.disconnect(); };
}

export default { render };
