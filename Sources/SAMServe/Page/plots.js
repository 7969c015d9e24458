// SAMLab explorer: the plots (phase plane, |β_j| over the run, regime line), drawn from the runs that explorer.js
// fetched. Uses axes.js; reads the page state (explorer.js).
"use strict";

const COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B", "#444444"];
const DASHES = ["", "6 3", "2 2", "8 3 2 3"];
const LIMIT_COLORS = { e1: "#56B4E9", e2: "#E69F00", e3: "#009E73", e4: "#CC79A7", e5: "#F0E442", e6: "#0072B2", "0": "#999999", bounded: "#bbbbbb" };

/// ℓ∞-SAM's predicted limit from α (Cor 3.5, THEORY.md §3.3, §4.10): e_{j*} with j* = argmax over α_j > ρ of
/// μ_j (α_j − ρ)^(L−2); with no α_j > ρ, β → 0 at even L and stays bounded (→ ρ^L) at odd L.
function predictedLInf(alpha) {
  let best = -1, value = -Infinity;
  alpha.forEach((a, j) => {
    if (a > state.rho) {
      const v = state.mu[j] * Math.pow(a - state.rho, state.depth - 2);
      if (v > value) { value = v; best = j; }
    }
  });
  if (best >= 0) return `e${best + 1}`;
  return state.depth % 2 === 0 ? "0" : "bounded";
}

/// The plane's two coordinates at each recorded row of a run: (β₁, β₂), or in weights the first layer's first two
/// weights, (w_1)_1 and (w_1)_2 for the product parametrization, u_1 and u_2 for the signed one (the server's
/// exact weights at each row; with the init α in every layer these start at (α₁, α₂)).
function planePoints(run) {
  if (state.plane === "weights") return (run.weights ?? []).map((w) => [w[0], w[1]]);
  return run.rows.map((row) => [row.beta_1, row.beta_2 ?? 0]);
}

/// Where the init is in the plane: α itself in weights; in β, α^L (product) or 0 (signed: u = v = α).
function planeInit() {
  const a = [state.alpha[0], state.alpha[1] ?? state.alpha[0]];
  if (state.plane === "weights") return a;
  return state.param === "product" ? a.map((v) => Math.pow(v, state.depth)) : [0, 0];
}

let planeBox = null;
function drawPlane(runs) {
  const plane = $("plane"), W = 460, H = 460, box = { x0: 64, x1: W - 14, y0: 14, y1: H - 48 };
  plane.innerHTML = "";
  const weights = state.plane === "weights";
  const paths = runs.map((r) => planePoints(r).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)));
  const points = paths.flat();
  // α_j = ρ: at w_j = ρ in weights, at β_j = ρ^L in β (product parametrization only: signed β starts at 0).
  const edge = weights ? state.rho : (state.param === "product" ? Math.pow(state.rho, state.depth) : null);
  const init = planeInit();
  const all = points.flat().concat(edge == null ? [] : [edge], init).filter((v) => v > 0);
  // Log axes when the plane spans more than two decades (a rescaled flow's blow-up), linear ones otherwise.
  const log = all.length > 0 && points.every(([x, y]) => x > 0 && y > 0) && init.every((v) => v > 0) && Math.max(...all) / Math.min(...all) > 100;
  const f = log ? Math.log10 : (v) => v, inv = log ? (v) => Math.pow(10, v) : (v) => v;
  const values = (log ? all : points.flat().concat([0, (edge ?? 0) * 1.5], init)).map(f);
  const hi0 = Math.max(...values), lo0 = Math.max(Math.min(...values), log ? hi0 - 40 : -Infinity);
  const span = hi0 - lo0 || 1, lo = lo0 - 0.05 * span, hi = hi0 + 0.05 * span;
  const toX = (a) => box.x0 + (a - lo) / (hi - lo) * (box.x1 - box.x0), toY = (a) => box.y1 - (a - lo) / (hi - lo) * (box.y1 - box.y0);
  const px = (x) => toX(f(x)), py = (y) => toY(f(y));
  planeBox = { lo, hi, box, f, inv, log, px, py, W, H,
               fromPx: (X) => inv(lo + (X - box.x0) / (box.x1 - box.x0) * (hi - lo)),
               fromPy: (Y) => inv(lo + (box.y1 - Y) / (box.y1 - box.y0) * (hi - lo)) };
  // The predicted ℓ∞-SAM limit of each init in view, shaded (an ℓ∞ rule shown, a margin loss, d = 2, product).
  if (runs.some((r) => isLInf(r.rule)) && lossEntry().margin_loss && state.mu.length === 2 && state.param === "product" && state.depth >= 2) {
    const cells = 46, w = (box.x1 - box.x0) / cells, h = (box.y1 - box.y0) / cells;
    const shade = svg("g", { class: "predicted", opacity: 0.22 }, plane);
    for (let i = 0; i < cells; i++) for (let k = 0; k < cells; k++) {
      const c1 = inv(lo + (i + 0.5) / cells * (hi - lo)), c2 = inv(lo + (k + 0.5) / cells * (hi - lo));
      if (!(c1 > 0 && c2 > 0)) continue;
      const alpha = weights ? [c1, c2] : [Math.pow(c1, 1 / state.depth), Math.pow(c2, 1 / state.depth)];
      const limit = predictedLInf(alpha);
      svg("rect", { x: box.x0 + i * w, y: box.y1 - (k + 1) * h, width: w + 0.3, height: h + 0.3, fill: LIMIT_COLORS[limit], "data-limit": limit }, shade);
    }
    [...new Set([...shade.children].map((c) => c.dataset.limit))].forEach((key, n) => {
      svg("rect", { x: box.x0 + 6, y: box.y0 + 6 + 14 * n, width: 10, height: 10, fill: LIMIT_COLORS[key], opacity: 0.5 }, plane);
      text(plane, box.x0 + 20, box.y0 + 15 + 14 * n, `ℓ∞-SAM → ${key}`);
    });
  }
  const axis = svg("g", { class: "axis" }, plane);
  svg("rect", { x: box.x0, y: box.y0, width: box.x1 - box.x0, height: box.y1 - box.y0, fill: "none", stroke: "#333" }, axis);
  const names = weights ? (state.param === "signed" ? ["u₁", "u₂"] : ["(w₁)₁", "(w₁)₂"]) : ["β₁", "β₂"];
  const ticks = log ? logTicks(lo, hi) : linearTicks(lo, hi);
  drawTicks(axis, box, ticks, toX, "bottom");
  drawTicks(axis, box, ticks, toY, "left");
  text(axis, (box.x0 + box.x1) / 2, H - 10, names[0] + (log ? " (log scale)" : ""), { "text-anchor": "middle", class: "axis-title" });
  text(axis, 14, (box.y0 + box.y1) / 2, names[1] + (log ? " (log scale)" : ""), { "text-anchor": "middle", transform: `rotate(-90 14 ${(box.y0 + box.y1) / 2})` });
  if (edge != null && edge > lo && (!log || edge > 0)) {
    svg("line", { x1: px(edge), x2: px(edge), y1: box.y0, y2: box.y1, stroke: "#555", "stroke-dasharray": "4 3", class: "alpha-rho" }, plane);
    svg("line", { x1: box.x0, x2: box.x1, y1: py(edge), y2: py(edge), stroke: "#555", "stroke-dasharray": "4 3", class: "alpha-rho" }, plane);
    text(plane, px(edge) + 3, box.y1 - 4, "α₁ = ρ", { fill: "#555" });
    text(plane, box.x1 - 3, py(edge) - 3, "α₂ = ρ", { fill: "#555", "text-anchor": "end" });
  }
  runs.forEach((run, k) => {
    const d = paths[k].filter(([x, y]) => !log || (x > 0 && y > 0))
      .map(([x, y], i) => `${i ? "L" : "M"}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join("");
    const color = COLORS[ruleIndex(run.rule) % COLORS.length];
    svg("path", { d, fill: "none", stroke: color, "stroke-width": 2, "stroke-dasharray": DASHES[k % DASHES.length], class: "trajectory", "data-rule": run.rule }, plane);
    text(plane, box.x1 - 4, box.y0 + 14 + 14 * k, ruleName(run.rule), { fill: color, "text-anchor": "end", "font-weight": "bold" });
  });
  svg("circle", { cx: px(init[0]), cy: py(init[1]), r: 4.5, fill: "#111", class: "init" }, plane);
}

/// A click on the plane sets α: in weights, α = the clicked point (every layer starts at α, so the trajectories
/// start there); in β, α_j = β_j^(1/L) (product). The signed β plane cannot set α (β starts at 0 whatever α is).
function clickPlane(event) {
  if (!planeBox) return;
  const r = $("plane").getBoundingClientRect();
  const x = planeBox.fromPx(event.clientX - r.left), y = planeBox.fromPy(event.clientY - r.top);
  if (!(x > 0 && y > 0)) return;
  let a;
  if (state.plane === "weights") a = [x, y];
  else if (state.param === "product") a = [x, y].map((v) => Math.pow(v, 1 / state.depth));
  else { message("signed: β starts at 0 whatever α is; switch the plane to weights to set α by clicking"); return; }
  state.alpha[0] = Number(a[0].toPrecision(3));
  if (state.alpha.length > 1) state.alpha[1] = Number(a[1].toPrecision(3));
  changed(event.timeStamp);
}

function drawSeries(run) {
  const plot = $("series"), W = 560, H = 320, box = { x0: 64, x1: W - 40, y0: 14, y1: H - 44 };
  plot.innerHTML = "";
  if (!run) return;
  const clock = run.rows[0].step !== undefined ? "step" : "time";
  const d = state.mu.length, rows = run.rows;
  const t = rows.map((r) => r[clock]);
  const values = rows.flatMap((r) => [...Array(d).keys()].map((j) => Math.abs(r[`beta_${j + 1}`]))).filter((v) => v > 0 && Number.isFinite(v));
  if (values.length === 0) return;
  let top = Math.log10(Math.max(...values)), bottom = Math.max(Math.log10(Math.min(...values)), top - 30);
  if (top - bottom < 0.2) { top += 0.1; bottom -= 0.1; }
  const tx = (v) => box.x0 + (v - t[0]) / ((t[t.length - 1] - t[0]) || 1) * (box.x1 - box.x0);
  const toY = (a) => box.y1 - (a - bottom) / (top - bottom) * (box.y1 - box.y0), ty = (v) => toY(Math.log10(v));
  // Leader bands.
  for (let i = 0; i + 1 < rows.length; i++) {
    const leader = rows[i].leader;
    if (leader > 0) svg("rect", { x: tx(t[i]), y: box.y0, width: Math.max(tx(t[i + 1]) - tx(t[i]), 0.5), height: box.y1 - box.y0, fill: COLORS[(leader - 1) % 6], opacity: 0.12 }, plot);
  }
  for (let j = 0; j < d; j++) {
    const path = rows.map((r, i) => [tx(t[i]), Math.abs(r[`beta_${j + 1}`])]).filter(([, v]) => v > 0 && Number.isFinite(v))
      .map(([x, v], i) => `${i ? "L" : "M"}${x.toFixed(1)},${Math.max(ty(v), box.y0).toFixed(1)}`).join("");
    svg("path", { d: path, fill: "none", stroke: COLORS[j % 6], "stroke-width": 1.5 }, plot);
    text(plot, box.x1 + 4, box.y0 + 12 * j + 10, `β${j + 1}`, { fill: COLORS[j % 6] });
  }
  const axis = svg("g", { class: "axis" }, plot);
  svg("rect", { x: box.x0, y: box.y0, width: box.x1 - box.x0, height: box.y1 - box.y0, fill: "none", stroke: "#333" }, axis);
  drawTicks(axis, box, logTicks(bottom, top, 5), toY, "left");
  drawTicks(axis, box, linearTicks(t[0], t[t.length - 1], 5), tx, "bottom");
  text(axis, (box.x0 + box.x1) / 2, H - 8, `${clock === "step" ? "step k" : (state.dynamics === "rescaled" ? "rescaled time s" : "time t")} (${ruleName(run.rule)})`, { "text-anchor": "middle" });
  text(axis, 14, (box.y0 + box.y1) / 2, "|β_j|", { "text-anchor": "middle", transform: `rotate(-90 14 ${(box.y0 + box.y1) / 2})` });
}

function drawRegime(regime) {
  const plot = $("regime"), W = 560, m = 30;
  plot.innerHTML = "";
  if (!lossEntry().margin_loss) { text(plot, 10, 40, `regime: c_i, α_c and α* are thresholds of margin losses; the ${state.loss} loss has none`, { id: "regime-label" }); return; }
  if (!regime) { text(plot, 10, 40, "regime: only for positive μ and α"); return; }
  const marks = [...regime.c.map((c, i) => [c, `c${i + 1}`]), [regime.alpha_c, "α_c"]];
  if (regime.alpha_star != null) marks.push([regime.alpha_star, "α*"]);
  const alpha = state.alpha[0], hi = Math.max(...marks.map((x) => x[0]), alpha) * 1.15;
  const x = (v) => m + v / hi * (W - 2 * m);
  svg("line", { x1: m, x2: W - m, y1: 45, y2: 45, stroke: "#333" }, plot);
  marks.forEach(([v, name], k) => {
    svg("line", { x1: x(v), x2: x(v), y1: 38, y2: 52, stroke: name.startsWith("c") ? "#777" : "#111" }, plot);
    text(plot, x(v), k % 2 ? 66 : 32, name, { "text-anchor": "middle" });
  });
  svg("circle", { cx: x(alpha), cy: 45, r: 5, fill: "#D55E00" }, plot);
  text(plot, W - m, 84, `α₁ = ${alpha}: ${regimeOf(alpha, regime)}`, { "text-anchor": "end", id: "regime-label" });
}

/// The regime of α (THEORY.md §3, RegimeReport.regime): collapse below α_c, major-first from α* on, minor-first
/// between them (undefined when α* is).
function regimeOf(alpha, regime) {
  if (alpha < regime.alpha_c) return "collapse";
  if (regime.alpha_star == null) return `undefined (${regime.measure} growth at beta = 0)`;
  return alpha >= regime.alpha_star ? "major-first" : "minor-first";
}
