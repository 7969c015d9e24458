// SAMLab explorer: the page's state lives in the URL (a share link reproduces the view); every change posts the
// runs to /api/run and redraws. No libraries, no network beyond this server.
"use strict";

const RULE_NAMES = { "gd": "GD", "linf-sam": "ℓ∞-SAM", "l2-sam": "ℓ₂-SAM", "usam": "USAM" };
const COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];
const $ = (id) => document.getElementById(id);
const state = { mu: [1, 2], rules: ["gd", "linf-sam", "l2-sam"], param: "product", dynamics: "discrete",
                depth: 2, rho: 1, lr: 0.1, extent: 400, alpha: [0.5, 0.5] };
// For tests and measurements: lastRedrawMs is the time from the input event (a slider moved, a click) to the first
// frame after the redraw, fetches included; busy is true while runs are in flight.
window.samlab = { lastRedrawMs: null, redraws: 0, busy: false, limits: {}, leaders: {} };

// MARK: - State and URL

function readURL() {
  const q = new URLSearchParams(location.hash.slice(1));
  const numbers = (s) => s.split(",").map(Number).filter((x) => Number.isFinite(x));
  if (q.has("mu")) state.mu = numbers(q.get("mu"));
  if (q.has("rules")) state.rules = q.get("rules").split(",").filter((r) => r in RULE_NAMES);
  for (const key of ["param", "dynamics"]) if (q.has(key)) state[key] = q.get(key);
  for (const key of ["depth", "rho", "lr", "extent"]) if (q.has(key) && Number.isFinite(Number(q.get(key)))) state[key] = Number(q.get(key));
  if (q.has("alpha")) state.alpha = numbers(q.get("alpha"));
  fitAlpha();
}

function writeURL() {
  const q = new URLSearchParams({ mu: state.mu.join(","), rules: state.rules.join(","), param: state.param,
    dynamics: state.dynamics, depth: state.depth, rho: state.rho, lr: state.lr, extent: state.extent, alpha: state.alpha.join(",") });
  history.replaceState(null, "", "#" + q.toString());
  $("share").href = location.href;
}

function fitAlpha() {
  const d = state.mu.length;
  while (state.alpha.length < d) state.alpha.push(state.alpha[state.alpha.length - 1] ?? 0.5);
  state.alpha = state.alpha.slice(0, d);
}

// MARK: - Controls

function syncControls() {
  $("mu").value = state.mu.join(",");
  for (const o of $("rules").options) o.selected = state.rules.includes(o.value);
  $("param").value = state.param;
  $("dynamics").value = state.dynamics;
  for (const key of ["depth", "rho", "lr", "extent"]) { $(key).value = state[key]; }
  $("lr").disabled = state.dynamics !== "discrete";
  $("extent").max = state.dynamics === "discrete" ? 5000 : 200;
  $("extent").step = state.dynamics === "discrete" ? 10 : 0.5;
  const box = $("alphas");
  if (box.children.length !== state.alpha.length) {
    box.innerHTML = "";
    state.alpha.forEach((_, j) => {
      const label = document.createElement("label");
      label.innerHTML = `α<sub>${j + 1}</sub> <input id="alpha${j + 1}" type="range" min="0.01" max="3" step="0.01"><output></output>`;
      box.appendChild(label);
      label.querySelector("input").addEventListener("input", (e) => { state.alpha[j] = Number(e.target.value); changed(e.timeStamp); });
    });
  }
  state.alpha.forEach((a, j) => { const input = $("alpha" + (j + 1)); input.value = a; });
  for (const input of document.querySelectorAll("#controls input[type=range]")) {
    const out = input.parentElement.querySelector("output");
    if (out) out.textContent = Number(input.value).toPrecision(3).replace(/\.?0+$/, "");
  }
}

function bindControls() {
  $("mu").addEventListener("change", (e) => {
    const mu = e.target.value.split(",").map(Number);
    if (mu.length < 1 || mu.length > 6 || mu.some((x) => !(x > 0))) { message("μ must be 1 to 6 positive numbers"); return; }
    state.mu = mu; fitAlpha(); changed(e.timeStamp);
  });
  $("rules").addEventListener("change", (e) => { state.rules = [...e.target.selectedOptions].map((o) => o.value); changed(); });
  $("param").addEventListener("change", (e) => { state.param = e.target.value; changed(); });
  $("dynamics").addEventListener("change", (e) => {
    state.dynamics = e.target.value;
    state.extent = state.dynamics === "discrete" ? 400 : (state.dynamics === "rescaled" ? 20 : 50);
    changed();
  });
  for (const key of ["depth", "rho", "lr", "extent"]) $(key).addEventListener("input", (e) => { state[key] = Number(e.target.value); changed(e.timeStamp); });
  $("plane").addEventListener("click", clickPlane);
  $("copy").addEventListener("click", () => navigator.clipboard?.writeText($("command").textContent));
}

function message(text) { $("message").textContent = text; }

// MARK: - Runs

function spec(rule) {
  const s = { data: { kind: "single", mu: state.mu }, optimizer: rule, rho: state.rho, depth: state.depth,
              param: state.param, alpha: state.alpha };
  if (state.dynamics === "discrete") {
    s.lr = state.lr; s.steps = Math.round(state.extent);
    s.record = "every=" + Math.max(1, Math.ceil(s.steps / 1000));
  } else {
    s.time = state.extent; s.rescaled = state.dynamics === "rescaled"; s.record = "log=400";
  }
  return s;
}

function command(rule) {
  const s = spec(rule), parts = [state.dynamics === "discrete" ? "samlab train" : "samlab flow", `--mu ${state.mu.join(",")}`,
    `--optimizer ${rule}`, `--rho ${state.rho}`, `--depth ${state.depth}`, `--param ${state.param}`, `--alpha ${state.alpha.join(",")}`];
  if (state.dynamics === "discrete") parts.push(`--lr ${s.lr}`, `--steps ${s.steps}`);
  else { parts.push(`--time ${s.time}`); if (s.rescaled) parts.push("--rescaled"); }
  parts.push(`--record ${s.record}`);
  return parts.join(" ");
}

function parseCSV(text) {
  const lines = text.trim().split("\n"), header = lines[0].split(",");
  return lines.slice(1).map((line) => {
    const cells = line.split(","), row = {};
    header.forEach((h, i) => { row[h] = cells[i] === "" ? NaN : Number(cells[i]); });
    return row;
  });
}

let generation = 0, controller = null;
/// Posts the runs of the current state and redraws; `since` is the input event's time stamp (performance.now()'s
/// clock), so that lastRedrawMs covers everything from the user's move to the drawn frame.
async function changed(since) {
  writeURL();
  syncControls();
  $("command").textContent = state.rules.map(command).join("\n");
  const mine = ++generation, started = since ?? performance.now();
  window.samlab.busy = true;
  controller?.abort();
  controller = new AbortController();
  try {
    const post = (path, body) => fetch(path, { method: "POST", body: JSON.stringify(body), signal: controller.signal })
      .then(async (r) => { const j = await r.json(); if (!r.ok) throw new Error(j.error); return j; });
    // The runs and the regime's thresholds in parallel; the thresholds depend on μ and ρ only, so an α move reuses them.
    const [runs, regime] = await Promise.all([
      Promise.all(state.rules.map((rule) => post("/api/run", spec(rule)).then((j) => ({ rule, summary: j.summary, rows: parseCSV(j.trajectory_csv) })))),
      thresholds(post)]);
    if (mine !== generation) return;
    message("");
    draw(runs, regime);
    await new Promise((resolve) => requestAnimationFrame(() => resolve()));
    if (mine !== generation) return;
    window.samlab.lastRedrawMs = performance.now() - started;
    window.samlab.redraws += 1;
    window.samlab.busy = false;
  } catch (error) {
    if (error.name !== "AbortError" && mine === generation) { message(error.message); window.samlab.busy = false; window.samlab.errors = (window.samlab.errors ?? 0) + 1; }
  }
}

let thresholdCache = { key: null, value: null };
/// c_i, α_c and α* of (μ, ρ) from /api/regime (asked without α, so the server runs no flow), cached per (μ, ρ).
async function thresholds(post) {
  const key = state.mu.join(",") + "/" + state.rho;
  if (thresholdCache.key === key) return thresholdCache.value;
  const value = await post("/api/regime", { mu: state.mu, rho: state.rho }).catch((error) => {
    if (error.name === "AbortError") throw error;
    return null;  // e.g. a μ with a negative entry: no regime analysis, the runs are still drawn
  });
  thresholdCache = { key, value };
  return value;
}

/// The regime of α (THEORY.md §3, RegimeReport.regime): collapse below α_c, major-first from α* on, minor-first
/// between them (undefined when α* is).
function regimeOf(alpha, regime) {
  if (alpha < regime.alpha_c) return "collapse";
  if (regime.alpha_star == null) return `undefined (${regime.measure} growth at beta = 0)`;
  return alpha >= regime.alpha_star ? "major-first" : "minor-first";
}

// MARK: - Drawing

function svg(tag, attributes, parent) {
  const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

function text(parent, x, y, content, extra = {}) {
  const t = svg("text", { x, y, "font-size": 11, ...extra }, parent);
  t.textContent = content;
  return t;
}

function limitOf(run) {
  const b = run.summary.beta, norm = Math.hypot(...b);
  if (run.summary.status === "collapsed" || !(norm > 1e-12)) return "0";
  const j = b.map(Math.abs).indexOf(Math.max(...b.map(Math.abs)));
  return Math.abs(b[j]) / norm > 0.99 ? `e${j + 1}` : "mixed";
}

function leaderSequence(run) { return run.summary.leaders.map((p) => p.coordinate).filter((c) => c > 0).join(" → "); }

/// A leader sequence of at most 9 entries as it is; a longer one (a rule whose leader alternates every step) as its
/// first four, "…", its last three and the number of leaders, so the table keeps its width.
function shortened(sequence) {
  const parts = sequence.split(" → ");
  return parts.length <= 9 ? sequence : `${parts.slice(0, 4).join(" → ")} → … → ${parts.slice(-3).join(" → ")} (${parts.length} leaders)`;
}

let planeBox = null;
function draw(runs, regime) {
  drawPlane(runs);
  drawSeries(runs[0]);
  drawRegime(regime);
  const body = $("limits").querySelector("tbody");
  body.innerHTML = "";
  window.samlab.limits = {}; window.samlab.leaders = {};
  for (const run of runs) {
    const limit = limitOf(run), leaders = leaderSequence(run);
    window.samlab.limits[run.rule] = limit; window.samlab.leaders[run.rule] = leaders;
    const tr = document.createElement("tr");
    tr.dataset.rule = run.rule;
    const predicted = run.rule === "linf-sam" && state.depth >= 2 && state.param === "product" ? predictedLInf(state.alpha) : "";
    tr.innerHTML = `<td>${RULE_NAMES[run.rule]}</td><td class="status">${run.summary.status}</td><td class="limit">${limit}</td><td class="predicted">${predicted}</td><td class="leaders">${shortened(leaders)}</td>`;
    body.appendChild(tr);
  }
}

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

const LIMIT_COLORS = { e1: "#56B4E9", e2: "#E69F00", e3: "#009E73", e4: "#CC79A7", e5: "#F0E442", e6: "#0072B2", "0": "#999999", bounded: "#bbbbbb" };

function drawPlane(runs) {
  const plane = $("plane"), W = 460, H = 460, m = 44;
  plane.innerHTML = "";
  const points = runs.flatMap((r) => r.rows.map((row) => [row.beta_1, row.beta_2 ?? 0]))
    .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const edge = Math.pow(state.rho, state.depth);
  const init = state.alpha.map((a) => Math.pow(a, state.depth));
  const all = points.flat().concat([edge, init[0], init[1] ?? init[0]]).filter((v) => v > 0);
  // Log axes when β spans more than two decades (a rescaled flow's blow-up), linear ones otherwise.
  const log = all.length > 0 && points.every(([x, y]) => x > 0 && y > 0) && Math.max(...all) / Math.min(...all) > 100;
  const f = log ? Math.log10 : (v) => v, inv = log ? (v) => Math.pow(10, v) : (v) => v;
  const values = (log ? all : points.flat().concat([0, edge * 1.5, ...init])).map(f);
  const lo0 = Math.max(Math.min(...values), log ? Math.max(...values) - 40 : -Infinity), hi0 = Math.max(...values);
  const span = hi0 - lo0 || 1;
  planeBox = { lo: lo0 - 0.05 * span, hi: hi0 + 0.05 * span, W, H, m, f, inv, log };
  const px = (x) => m + (f(x) - planeBox.lo) / (planeBox.hi - planeBox.lo) * (W - 2 * m);
  const py = (y) => H - m - (f(y) - planeBox.lo) / (planeBox.hi - planeBox.lo) * (H - 2 * m);
  // The predicted ℓ∞-SAM limit of each init in view, shaded (when ℓ∞-SAM is shown, d = 2, product parametrization).
  if (state.rules.includes("linf-sam") && state.mu.length === 2 && state.param === "product" && state.depth >= 2) {
    const cells = 46, size = (W - 2 * m) / cells;
    const shade = svg("g", { class: "predicted", opacity: 0.22 }, plane);
    for (let i = 0; i < cells; i++) for (let k = 0; k < cells; k++) {
      const b1 = inv(planeBox.lo + (i + 0.5) / cells * (planeBox.hi - planeBox.lo));
      const b2 = inv(planeBox.lo + (k + 0.5) / cells * (planeBox.hi - planeBox.lo));
      if (!(b1 > 0 && b2 > 0)) continue;
      const limit = predictedLInf([Math.pow(b1, 1 / state.depth), Math.pow(b2, 1 / state.depth)]);
      svg("rect", { x: m + i * size, y: H - m - (k + 1) * size, width: size + 0.3, height: size + 0.3, fill: LIMIT_COLORS[limit], "data-limit": limit }, shade);
    }
    const keys = [...new Set([...shade.children].map((c) => c.dataset.limit))];
    keys.forEach((key, n) => {
      svg("rect", { x: m + 6, y: m + 6 + 14 * n, width: 10, height: 10, fill: LIMIT_COLORS[key], opacity: 0.5 }, plane);
      text(plane, m + 20, m + 15 + 14 * n, `ℓ∞-SAM → ${key === "bounded" ? "bounded" : key === "0" ? "0" : "e" + key.slice(1)}`);
    });
  }
  const axis = svg("g", { class: "axis" }, plane);
  svg("rect", { x: m, y: m, width: W - 2 * m, height: H - 2 * m, fill: "none", stroke: "#333" }, axis);
  text(axis, W / 2, H - 8, log ? "β₁ (log scale)" : "β₁", { "text-anchor": "middle" });
  text(axis, 12, H / 2, log ? "β₂ (log)" : "β₂", { "text-anchor": "middle", transform: `rotate(-90 12 ${H / 2})` });
  for (let k = 0; k <= 4; k++) {
    const v = planeBox.lo + k / 4 * (planeBox.hi - planeBox.lo);
    const label = log ? `1e${v.toFixed(1).replace(/\.0$/, "")}` : inv(v).toPrecision(2);
    text(axis, m + k / 4 * (W - 2 * m), H - m + 14, label, { "text-anchor": "middle" });
    text(axis, m - 4, H - m - k / 4 * (H - 2 * m) + 4, label, { "text-anchor": "end" });
  }
  // α_j = ρ, in β: β_j = ρ^L (product parametrization).
  svg("line", { x1: px(edge), x2: px(edge), y1: m, y2: H - m, stroke: "#555", "stroke-dasharray": "4 3", class: "alpha-rho" }, plane);
  svg("line", { x1: m, x2: W - m, y1: py(edge), y2: py(edge), stroke: "#555", "stroke-dasharray": "4 3", class: "alpha-rho" }, plane);
  text(plane, px(edge) + 3, H - m - 4, "α₁ = ρ", { fill: "#555" });
  text(plane, W - m - 3, py(edge) - 3, "α₂ = ρ", { fill: "#555", "text-anchor": "end" });
  runs.forEach((run, k) => {
    const d = run.rows.filter((r) => Number.isFinite(r.beta_1) && Number.isFinite(r.beta_2 ?? 0) && (!log || (r.beta_1 > 0 && r.beta_2 > 0)))
      .map((r, i) => `${i ? "L" : "M"}${px(r.beta_1).toFixed(1)},${py(r.beta_2 ?? 0).toFixed(1)}`).join("");
    svg("path", { d, fill: "none", stroke: COLORS[k], "stroke-width": 2, "stroke-dasharray": ["", "6 3", "2 2", "8 3 2 3"][k % 4], class: "trajectory", "data-rule": run.rule }, plane);
    text(plane, W - m - 4, m + 14 + 14 * k, RULE_NAMES[run.rule], { fill: COLORS[k], "text-anchor": "end", "font-weight": "bold" });
  });
  svg("circle", { cx: px(init[0]), cy: py(init[1] ?? init[0]), r: 4.5, fill: "#111", class: "init" }, plane);
}

function clickPlane(event) {
  if (!planeBox) return;
  const r = $("plane").getBoundingClientRect(), { lo, hi, W, H, m, inv } = planeBox;
  const x = inv(lo + (event.clientX - r.left - m) / (W - 2 * m) * (hi - lo));
  const y = inv(lo + (H - m - (event.clientY - r.top)) / (H - 2 * m) * (hi - lo));
  if (!(x > 0 && y > 0)) return;
  state.alpha[0] = Number(Math.pow(x, 1 / state.depth).toPrecision(3));
  if (state.alpha.length > 1) state.alpha[1] = Number(Math.pow(y, 1 / state.depth).toPrecision(3));
  changed(event.timeStamp);
}

function drawSeries(run) {
  const plot = $("series"), W = 560, H = 320, m = 44;
  plot.innerHTML = "";
  if (!run) return;
  const clock = run.rows[0].step !== undefined ? "step" : "time";
  const d = state.mu.length, rows = run.rows;
  const t = rows.map((r) => r[clock]);
  const values = rows.flatMap((r) => [...Array(d).keys()].map((j) => Math.abs(r[`beta_${j + 1}`]))).filter((v) => v > 0 && Number.isFinite(v));
  const top = Math.log10(Math.max(...values)), bottom = Math.max(Math.log10(Math.min(...values)), top - 30);
  const tx = (v) => m + (v - t[0]) / ((t[t.length - 1] - t[0]) || 1) * (W - 2 * m);
  const ty = (v) => H - m - (Math.log10(v) - bottom) / ((top - bottom) || 1) * (H - 2 * m);
  // Leader bands.
  for (let i = 0; i + 1 < rows.length; i++) {
    const leader = rows[i].leader;
    if (leader > 0) svg("rect", { x: tx(t[i]), y: m, width: Math.max(tx(t[i + 1]) - tx(t[i]), 0.5), height: H - 2 * m, fill: COLORS[(leader - 1) % 6], opacity: 0.12 }, plot);
  }
  for (let j = 0; j < d; j++) {
    const path = rows.map((r, i) => [tx(t[i]), Math.abs(r[`beta_${j + 1}`])]).filter(([, v]) => v > 0 && Number.isFinite(v))
      .map(([x, v], i) => `${i ? "L" : "M"}${x.toFixed(1)},${Math.max(ty(v), m).toFixed(1)}`).join("");
    svg("path", { d: path, fill: "none", stroke: COLORS[j % 6], "stroke-width": 1.5 }, plot);
    text(plot, W - m + 4, m + 12 * j + 10, `β${j + 1}`, { fill: COLORS[j % 6] });
  }
  const axis = svg("g", { class: "axis" }, plot);
  svg("rect", { x: m, y: m, width: W - 2 * m, height: H - 2 * m, fill: "none", stroke: "#333" }, axis);
  text(axis, W / 2, H - 8, `${clock === "step" ? "step k" : (state.dynamics === "rescaled" ? "rescaled time s" : "time t")} (${RULE_NAMES[run.rule]})`, { "text-anchor": "middle" });
  text(axis, m - 4, m + 4, `1e${Math.round(top)}`, { "text-anchor": "end" });
  text(axis, m - 4, H - m, `1e${Math.round(bottom)}`, { "text-anchor": "end" });
}

function drawRegime(regime) {
  const plot = $("regime"), W = 560, H = 90, m = 30;
  plot.innerHTML = "";
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

readURL();
bindControls();
changed();
