// SAMLab explorer: SVG helpers and axis ticks shared by the plots (plots.js). No libraries.
"use strict";

/// An SVG element with attributes, appended to parent when given.
function svg(tag, attributes, parent) {
  const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

/// An SVG text at (x, y).
function text(parent, x, y, content, extra = {}) {
  const t = svg("text", { x, y, "font-size": 11, ...extra }, parent);
  t.textContent = content;
  return t;
}

/// A number as a short tick label: 3 significant digits, exponent form outside [1e-3, 1e4), no trailing zeros.
function shortNumber(v) {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(1).replace(/\.0e/, "e").replace("e+", "e");
  return String(Number(v.toPrecision(3)));
}

/// Ticks of a linear axis over [lo, hi]: multiples of a 1-2-5 step, about `count` of them, each with its label.
function linearTicks(lo, hi, count = 5) {
  const raw = (hi - lo) / count || 1, power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks = [];
  for (let k = Math.ceil(lo / step); k * step <= hi + 1e-9 * step; k++) {
    const v = Math.abs(k * step) < 1e-12 * step ? 0 : k * step;
    ticks.push({ at: v, label: shortNumber(v) });
  }
  return ticks;
}

/// Ticks of a log axis whose ends are lo and hi in log10 units: whole decades (every k-th one, at most `count`),
/// else 1-2-5 within a decade, else linear ticks of the values; labels are distinct (never "1e0" twice).
function logTicks(lo, hi, count = 6) {
  let ticks = [];
  const first = Math.ceil(lo - 1e-9), last = Math.floor(hi + 1e-9);
  if (last - first >= 1) {
    const every = Math.max(1, Math.ceil((last - first + 1) / count));
    for (let k = first; k <= last; k++) if ((k - first) % every === 0) ticks.push({ at: k, label: `1e${k}` });
  } else {
    for (let k = Math.floor(lo); k <= Math.ceil(hi); k++) for (const m of [1, 2, 5]) {
      const at = k + Math.log10(m);
      if (at >= lo - 1e-9 && at <= hi + 1e-9) ticks.push({ at, label: shortNumber(m * Math.pow(10, k)) });
    }
    // Less than a factor 2.5 in view: linear ticks of the values, finer until there are at least two.
    for (let n = 3; ticks.length < 2 && n <= 12; n++) {
      ticks = linearTicks(Math.pow(10, lo), Math.pow(10, hi), n).filter((t) => t.at > 0).map((t) => ({ at: Math.log10(t.at), label: t.label }));
    }
  }
  const seen = new Set();
  return ticks.filter((t) => !seen.has(t.label) && seen.add(t.label));
}

/// Tick marks and labels on the bottom (horizontal) or left (vertical) side of the plot area `box`
/// ({x0, x1, y0, y1} in pixels, y0 the top); `place` maps a tick's value to its pixel.
function drawTicks(parent, box, ticks, place, side) {
  for (const t of ticks) {
    const p = place(t.at);
    if (side === "bottom") {
      svg("line", { x1: p, x2: p, y1: box.y1, y2: box.y1 + 4 }, parent);
      text(parent, p, box.y1 + 15, t.label, { "text-anchor": "middle", class: "tick-x" });
    } else {
      svg("line", { x1: box.x0 - 4, x2: box.x0, y1: p, y2: p }, parent);
      text(parent, box.x0 - 6, p + 4, t.label, { "text-anchor": "end", class: "tick-y" });
    }
  }
}
