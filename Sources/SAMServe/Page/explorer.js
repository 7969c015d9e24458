// SAMLab explorer: the page's state lives in the URL (a share link reproduces the view); every change posts the
// runs to /api/run and redraws (plots.js). The rules, their parameters and the losses come from the library's
// registry (GET /api/registry), not from this file. No libraries, no network beyond this server.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { mu: [1, 2], rules: ["gd", "linf-sam", "l2-sam"], param: "product", loss: "logistic", dynamics: "discrete",
                depth: 2, rho: 1, lr: 0.1, extent: 400, alpha: [0.5, 0.5], plane: "beta", params: {} };
// For tests and measurements: lastRedrawMs is the time from the input event (a slider moved, a click) to the first
// frame after the redraw, fetches included; busy is true while runs are in flight; refusals holds the server's
// one-line message for each rule whose run it refused.
window.samlab = { lastRedrawMs: null, redraws: 0, busy: false, limits: {}, leaders: {}, refusals: {} };
/// GET /api/registry: {rules: [{name, display_name, summary, parameters: [...]}], losses: [...], models: [...]}.
let registry = { rules: [], losses: [], models: [] };

function ruleEntry(name) { return registry.rules.find((r) => r.name === name); }
function ruleName(name) { return ruleEntry(name)?.display_name ?? name; }
function ruleIndex(name) { return Math.max(0, registry.rules.findIndex((r) => r.name === name)); }
function lossEntry() { return registry.losses.find((l) => l.name === state.loss) ?? { name: state.loss, margin_loss: true }; }
/// The value of a rule parameter: as set on the page (a number or a name, as typed), or the registry's default.
function paramValue(p) { return state.params[p.key] ?? String(p.default); }
/// A parameter value as JSON holds it: a number, or a name ("inf", "n", "l2").
function paramJSON(value) { return value.trim() !== "" && Number.isFinite(Number(value)) ? Number(value) : value.trim(); }
/// ℓ∞-SAM, or ℓp-SAM at p = inf (the same rule, bit for bit): the rules Cor 3.5 predicts the limit of.
function isLInf(rule) {
  const p = rule === "lp-sam" ? ruleEntry(rule)?.parameters.find((q) => q.key === "p") : null;
  return rule === "linf-sam" || (p != null && ["inf", "Infinity"].includes(paramValue(p)));
}

// MARK: - State and URL

/// Every key a share link may hold besides the rule parameters (links of older pages hold a subset: the rest keep
/// their defaults).
const URL_KEYS = ["mu", "rules", "param", "loss", "dynamics", "depth", "rho", "lr", "extent", "alpha", "plane"];

function readURL() {
  const q = new URLSearchParams(location.hash.slice(1));
  const numbers = (s) => s.split(",").map(Number).filter((x) => Number.isFinite(x));
  if (q.has("mu")) state.mu = numbers(q.get("mu"));
  if (q.has("rules")) state.rules = q.get("rules").split(",").filter((r) => ruleEntry(r));
  for (const key of ["param", "dynamics", "loss", "plane"]) if (q.has(key)) state[key] = q.get(key);
  for (const key of ["depth", "rho", "lr", "extent"]) if (q.has(key) && Number.isFinite(Number(q.get(key)))) state[key] = Number(q.get(key));
  if (q.has("alpha")) state.alpha = numbers(q.get("alpha"));
  for (const p of registry.rules.flatMap((r) => r.parameters)) if (q.has(p.key)) state.params[p.key] = q.get(p.key);
  fitAlpha();
}

function writeURL() {
  const q = new URLSearchParams({ mu: state.mu.join(","), rules: state.rules.join(","), param: state.param, loss: state.loss,
    dynamics: state.dynamics, depth: state.depth, rho: state.rho, lr: state.lr, extent: state.extent, alpha: state.alpha.join(","), plane: state.plane });
  for (const [key, value] of Object.entries(state.params)) q.set(key, value);
  history.replaceState(null, "", "#" + q.toString());
  $("share").href = location.href;
}

function fitAlpha() {
  const d = state.mu.length;
  while (state.alpha.length < d) state.alpha.push(state.alpha[state.alpha.length - 1] ?? 0.5);
  state.alpha = state.alpha.slice(0, d);
}

// MARK: - Controls

/// The rule and loss selectors, from the registry.
function buildSelectors() {
  const rules = $("rules");
  rules.innerHTML = "";
  for (const r of registry.rules) {
    const o = new Option(r.display_name, r.name);
    o.title = `${r.name}: ${r.summary}`;
    rules.add(o);
  }
  rules.size = registry.rules.length;
  const losses = $("loss");
  losses.innerHTML = "";
  for (const l of registry.losses) {
    const o = new Option(`${l.name} (${l.summary})`, l.name);
    o.title = l.margin_loss ? "a margin loss" : "a regression loss: mse in place of margins, no rescaled flow";
    losses.add(o);
  }
}

/// One input per parameter of the rules shown (a menu for a choice; a text field otherwise, which takes the
/// parameter's names such as "inf" as well as numbers).
function syncParameterInputs() {
  const box = $("rule-params"), shown = state.rules.flatMap((r) => (ruleEntry(r)?.parameters ?? []).map((p) => [r, p]));
  const key = shown.map(([r, p]) => r + "/" + p.key).join(",");
  if (box.dataset.key !== key) {
    box.dataset.key = key;
    box.innerHTML = "";
    for (const [rule, p] of shown) {
      const label = document.createElement("label");
      label.title = p.summary;
      label.textContent = `${p.key} (${ruleName(rule)}) `;
      let input;
      if (p.choice) {
        input = document.createElement("select");
        for (const name of p.names) input.add(new Option(name, name));
      } else {
        input = document.createElement("input");
        input.size = 6;
      }
      input.id = "param-" + p.key;
      input.addEventListener("change", (e) => { state.params[p.key] = e.target.value.trim(); changed(e.timeStamp); });
      label.appendChild(input);
      box.appendChild(label);
    }
  }
  for (const [, p] of shown) $("param-" + p.key).value = paramValue(p);
}

function syncControls() {
  $("mu").value = state.mu.join(",");
  for (const o of $("rules").options) o.selected = state.rules.includes(o.value);
  for (const key of ["param", "loss", "dynamics"]) $(key).value = state[key];
  $("plane-kind").value = state.plane;
  for (const key of ["depth", "rho", "lr", "extent"]) { $(key).value = state[key]; }
  $("lr").disabled = state.dynamics !== "discrete";
  $("extent").max = state.dynamics === "discrete" ? 5000 : 200;
  $("extent").step = state.dynamics === "discrete" ? 10 : 0.5;
  $("plane-kind").disabled = state.mu.length < 2;
  syncParameterInputs();
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
    if (out) out.textContent = String(Number(input.value));  // (toPrecision's zeros stripped showed 200 as "2")
  }
  const weights = state.plane === "weights";
  $("plane-caption").textContent = weights
    ? `Phase plane in weights: ${state.param === "signed" ? "(u₁, u₂), the u layer of β = u^L − v^L (v starts equal to u, so β starts at 0)" : "((w₁)₁, (w₁)₂), the first layer of β = ∏ w_l"}, the server's weights at each recorded state. Every layer starts at α, so a click sets α to the clicked point and the trajectories start there; dashed: α_j = ρ.`
    : `Phase plane of (β₁, β₂): trajectories from the init (click to move it${state.param === "signed" ? "; signed: β starts at 0, click in the weights plane" : ""}); dashed: α_j = ρ.`;
}

function bindControls() {
  $("mu").addEventListener("change", (e) => {
    const mu = e.target.value.split(",").map(Number);
    if (mu.length < 1 || mu.length > 6 || mu.some((x) => !(x > 0))) { message("μ must be 1 to 6 positive numbers"); return; }
    state.mu = mu; fitAlpha(); changed(e.timeStamp);
  });
  $("rules").addEventListener("change", (e) => { state.rules = [...e.target.selectedOptions].map((o) => o.value); changed(); });
  for (const key of ["param", "loss"]) $(key).addEventListener("change", (e) => { state[key] = e.target.value; changed(); });
  $("plane-kind").addEventListener("change", (e) => { state.plane = e.target.value; changed(e.timeStamp); });
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
              param: state.param, alpha: state.alpha, loss: state.loss };
  for (const p of ruleEntry(rule)?.parameters ?? []) s[p.key] = paramJSON(paramValue(p));
  if (state.dynamics === "discrete") {
    s.lr = state.lr; s.steps = Math.round(state.extent);
    s.record = "every=" + Math.max(1, Math.ceil(s.steps / 1000));
  } else {
    s.time = state.extent; s.rescaled = state.dynamics === "rescaled"; s.record = "log=400";
  }
  return s;
}

/// The `samlab train` / `samlab flow` line of a rule's spec (a rule parameter's key is its flag, with dashes).
function command(rule) {
  const s = spec(rule), parts = [state.dynamics === "discrete" ? "samlab train" : "samlab flow", `--mu ${state.mu.join(",")}`,
    `--optimizer ${rule}`, `--rho ${state.rho}`, `--depth ${state.depth}`, `--param ${state.param}`, `--alpha ${state.alpha.join(",")}`,
    `--loss ${state.loss}`];
  for (const p of ruleEntry(rule)?.parameters ?? []) parts.push(`--${p.key.replace(/_/g, "-")} ${s[p.key]}`);
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

/// A refusal of the server (HTTP 400 or 413): its one-line message, shown on the page for that rule.
class Refusal extends Error {}

let generation = 0, controller = null;
/// Posts the runs of the current state and redraws; `since` is the input event's time stamp (performance.now()'s
/// clock), so that lastRedrawMs covers everything from the user's move to the drawn frame. A rule whose run the
/// server refuses (lp-sam p = 1 as a flow, the squared loss's rescaled flow) is listed with the server's message;
/// the others are drawn.
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
      .then(async (r) => {
        const j = await r.json();
        if (r.status === 400 || r.status === 413) throw new Refusal(j.error);
        if (!r.ok) throw new Error(j.error);
        return j;
      });
    const run = (rule) => post("/api/run", spec(rule))
      .then((j) => ({ rule, summary: j.summary, rows: parseCSV(j.trajectory_csv), weights: j.weights }))
      .catch((error) => { if (error instanceof Refusal) return { rule, refused: error.message }; throw error; });
    // The runs and the regime's thresholds in parallel; the thresholds depend on μ and ρ only, so an α move reuses them.
    const [results, regime] = await Promise.all([Promise.all(state.rules.map(run)), thresholds(post)]);
    if (mine !== generation) return;
    const refused = results.filter((r) => r.refused);
    window.samlab.refusals = Object.fromEntries(refused.map((r) => [r.rule, r.refused]));
    message(refused.map((r) => `${ruleName(r.rule)} refused: ${r.refused}`).join("\n"));
    draw(results.filter((r) => !r.refused), regime, refused);
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

// MARK: - Table

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

/// The fit column: the final margin min_n y_n <β, x_n> of a margin loss, or the mse of a regression loss (issue 13:
/// its summary has mse, and null margins).
function fitOf(run) {
  const s = run.summary;
  if (s.mse != null) return `mse ${shortNumber(s.mse)}`;
  return s.margin != null ? `margin ${shortNumber(s.margin)}` : "";
}

function draw(runs, regime, refused) {
  drawPlane(runs);
  drawSeries(runs[0]);
  drawRegime(regime);
  const body = $("limits").querySelector("tbody");
  body.innerHTML = "";
  window.samlab.limits = {}; window.samlab.leaders = {}; window.samlab.fits = {};
  for (const run of runs) {
    const limit = limitOf(run), leaders = leaderSequence(run), fit = fitOf(run);
    window.samlab.limits[run.rule] = limit; window.samlab.leaders[run.rule] = leaders; window.samlab.fits[run.rule] = fit;
    const tr = document.createElement("tr");
    tr.dataset.rule = run.rule;
    const predicted = isLInf(run.rule) && lossEntry().margin_loss && state.depth >= 2 && state.param === "product" ? predictedLInf(state.alpha) : "";
    tr.innerHTML = `<td>${ruleName(run.rule)}</td><td class="status">${run.summary.status}</td><td class="fit">${fit}</td><td class="limit">${limit}</td><td class="predicted">${predicted}</td><td class="leaders">${shortened(leaders)}</td>`;
    body.appendChild(tr);
  }
  for (const r of refused) {
    const tr = document.createElement("tr");
    tr.dataset.rule = r.rule;
    tr.className = "refused";
    tr.innerHTML = `<td>${ruleName(r.rule)}</td><td class="status">refused</td><td class="reason" colspan="4"></td>`;
    tr.querySelector(".reason").textContent = r.refused;
    body.appendChild(tr);
  }
}

/// Loads the registry, then the view of the URL.
async function start() {
  try {
    registry = await fetch("/api/registry").then((r) => r.json());
  } catch (error) {
    message("could not read /api/registry: " + error.message);
    return;
  }
  buildSelectors();
  readURL();
  bindControls();
  changed();
}

start();
