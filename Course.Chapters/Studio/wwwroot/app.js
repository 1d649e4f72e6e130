// course studio: the book's sections, a section's source and live run, and every run in the runs folder.
// Everything shown from runs and data goes in as text (textContent), never as markup.
"use strict";
const token = document.querySelector('meta[name="course-token"]').content;
const main = document.getElementById("main");
const state = { sections: [], queue: { current: null, waiting: [] }, runs: {} };
const colors = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#0969da", "#bf3989", "#57606a"];

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") node.textContent = v; else if (k.startsWith("on")) node.addEventListener(k.slice(2), v); else node.setAttribute(k, v);
  }
  for (const c of children) if (c != null) node.append(c);
  return node;
}
function svg(tag, attrs = {}) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}
async function api(method, path, body) {
  const response = await fetch(path, { method, headers: { "Content-Type": "application/json", "X-Course-Token": token }, body: body && JSON.stringify(body) });
  if (!response.ok) throw new Error(await response.text());
  return response.headers.get("Content-Type")?.includes("json") ? response.json() : response.text();
}
const fileUrl = (folder, file) => "/files/" + folder.split("/").map(encodeURIComponent).join("/") + "/" + encodeURIComponent(file);

// One run's events, folded into what the page shows.
function runView(run) {
  const view = { lines: [], charts: {}, order: [], metrics: {}, figures: [], progress: null, ended: null, started: null, folder: null };
  for (const e of run) fold(view, e);
  return view;
}
function fold(view, e) {
  switch (e.type) {
    case "run_started": view.started = e; view.folder = e.folder; break;
    case "line": view.lines.push(e.text); break;
    case "chart": view.charts[e.figure] = { chart: e, points: [] }; view.order.push(e.figure); break;
    case "point": view.charts[e.figure]?.points.push(e); break;
    case "training_started": view.trainingSince = e.time; break;
    case "progress": view.progress = { ...e, left: timeLeft(view, e) }; break;
    case "epoch_ended": view.progress = { epoch: e.epoch, epochs: e.epochs, batch: 1, batches: 1, status: `epoch ${e.epoch}/${e.epochs}` }; break;
    case "figure": view.figures.push(e.file); break;
    case "metric": view.metrics[e.name] = e.value; break;
    case "run_ended": view.ended = e; break;
  }
}

// The time left in the training, from the time it has taken so far to reach where it is.
function timeLeft(view, e) {
  const done = ((e.epoch - 1) + e.batch / Math.max(e.batches, 1)) / e.epochs;
  if (view.trainingSince == null || done <= 0) return null;
  const seconds = (e.time - view.trainingSince) * (1 - done) / done;
  return seconds >= 60 ? `about ${Math.round(seconds / 60)} min left` : `about ${Math.ceil(seconds)} s left`;
}

// A chart drawn as d2l's Animator draws it: the same series, legend and axes; values under the pointer.
function drawChart(chart, series) {
  const W = 820, H = 320, L = 56, R = 196, T = 12, B = 40;
  const root = svg("svg", { class: "chart", viewBox: `0 0 ${W} ${H}`, role: "img" });
  const all = series.flatMap(s => s.points);
  if (all.length === 0) { root.append(Object.assign(svg("text", { x: L, y: H / 2 }), { textContent: "waiting for the first point…" })); return root; }
  const ty = v => chart.log_y ? Math.log10(Math.max(v, 1e-12)) : v;
  let [x0, x1] = chart.x_lim ?? [Math.min(...all.map(p => p[0])), Math.max(...all.map(p => p[0]))];
  let [y0, y1] = chart.y_lim ? chart.y_lim.map(ty) : [Math.min(...all.map(p => ty(p[1]))), Math.max(...all.map(p => ty(p[1])))];
  if (x1 === x0) x1 = x0 + 1; if (y1 === y0) { y0 -= 0.5; y1 += 0.5; }
  const px = x => L + (x - x0) / (x1 - x0) * (W - L - R), py = y => T + (1 - (ty(y) - y0) / (y1 - y0)) * (H - T - B);
  for (let i = 0; i <= 4; i++) {
    const yv = y0 + (y1 - y0) * i / 4, y = T + (1 - i / 4) * (H - T - B);
    root.append(svg("line", { class: "grid", x1: L, x2: W - R, y1: y, y2: y }));
    const label = chart.log_y ? Number(10 ** yv).toPrecision(2) : Number(yv.toPrecision(3)).toString();
    root.append(Object.assign(svg("text", { x: L - 6, y: y + 4, "text-anchor": "end" }), { textContent: label }));
    const xv = x0 + (x1 - x0) * i / 4;
    root.append(Object.assign(svg("text", { x: px(xv), y: H - B + 16, "text-anchor": "middle" }), { textContent: Number(xv.toPrecision(3)).toString() }));
  }
  root.append(svg("line", { class: "axis", x1: L, x2: L, y1: T, y2: H - B }), svg("line", { class: "axis", x1: L, x2: W - R, y1: H - B, y2: H - B }));
  const clip = `plot-${++chartCount}`;
  const clipPath = svg("clipPath", { id: clip });
  clipPath.append(svg("rect", { x: L, y: T, width: W - L - R, height: H - T - B }));
  root.append(clipPath);
  if (chart.x_label) root.append(Object.assign(svg("text", { x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle" }), { textContent: chart.x_label }));
  if (chart.y_label) root.append(Object.assign(svg("text", { x: 12, y: (T + H - B) / 2, transform: `rotate(-90 12 ${(T + H - B) / 2})`, "text-anchor": "middle" }), { textContent: chart.y_label }));
  series.forEach((s, i) => {
    const color = colors[i % colors.length];
    if (s.points.length > 0) root.append(svg("polyline", { fill: "none", stroke: color, "stroke-width": 1.6, "clip-path": `url(#${clip})`, points: s.points.map(p => `${px(p[0])},${py(p[1])}`).join(" "), "data-series": s.name }));
    root.append(svg("rect", { x: W - R + 12, y: T + 4 + i * 16, width: 12, height: 3, fill: color }));
    root.append(Object.assign(svg("text", { x: W - R + 30, y: T + 9 + i * 16 }), { textContent: s.name }));
  });
  const hover = svg("line", { class: "hover", y1: T, y2: H - B, visibility: "hidden" });
  const readout = svg("text", { x: L + 6, y: T + 12 });
  root.append(hover, readout);
  root.addEventListener("mousemove", event => {
    const box = root.getBoundingClientRect(), x = x0 + ((event.clientX - box.left) * W / box.width - L) / (W - L - R) * (x1 - x0);
    const near = series.map(s => [s.name, s.points.reduce((b, p) => !b || Math.abs(p[0] - x) < Math.abs(b[0] - x) ? p : b, null)]).filter(n => n[1]);
    if (near.length === 0) return;
    hover.setAttribute("x1", px(near[0][1][0])); hover.setAttribute("x2", px(near[0][1][0])); hover.setAttribute("visibility", "visible");
    readout.textContent = `x ${Number(near[0][1][0].toPrecision(4))}: ` + near.map(([n, p]) => `${n} ${Number(p[1].toPrecision(4))}`).join(", ");
  });
  return root;
}
let chartCount = 0;
const seriesOf = c => c.chart.legend.map(name => ({ name, points: c.points.filter(p => name in p.values).map(p => [p.x, p.values[name]]) }));

// The table of contents.
function showSections() {
  const filter = el("input", { type: "search", placeholder: "Filter: a number, a title, a data set…", "aria-label": "filter" });
  const body = el("tbody");
  const render = () => {
    body.replaceChildren();
    const q = filter.value.toLowerCase();
    let chapter = null;
    for (const s of state.sections.filter(s => `${s.number} ${s.id} ${s.title} ${s.dataset}`.toLowerCase().includes(q))) {
      const c = s.number.split(".")[0];
      if (c !== chapter) { chapter = c; body.append(el("tr", { class: "chapter" }, el("td", { colspan: 4, text: `Chapter ${c}` }))); }
      body.append(el("tr", { "data-section": s.id }, el("td", { text: s.number }), el("td", {}, el("a", { href: `#/s/${s.id}`, text: s.title })),
        el("td", { text: s.dataset }), el("td", { text: s.trains ? "trains" : "" })));
    }
  };
  filter.addEventListener("input", render);
  render();
  main.replaceChildren(el("h1", { text: "Dive into Deep Learning, chapters 2–11" }), filter, el("table", {}, el("thead", {}, el("tr", {}, el("th", { text: "§" }), el("th", { text: "title" }), el("th", { text: "data" }), el("th", { text: "" }))), body));
}

// A section: its source beside its settings, Run and Stop, and the live view of its latest run.
async function showSection(id) {
  const section = state.sections.find(s => s.id === id);
  if (!section) { main.replaceChildren(el("p", { text: `There is no section ${id}.` })); return; }
  const source = el("pre", { class: "source", "aria-label": "source" });
  api("GET", `/api/sections/${encodeURIComponent(id)}/source`).then(text => {
    for (const line of text.split("\n")) source.append(highlight(line));
  });
  const form = el("form", { class: "settings" });
  for (const s of section.settings) {
    form.append(el("label", { for: `setting-${s.name}`, text: `--${s.name}` }),
      el("input", { id: `setting-${s.name}`, name: s.name, value: s.value ?? "", placeholder: s.value == null ? "all" : "", inputmode: "decimal" }));
  }
  const message = el("p", { class: "failure" });
  const run = el("button", { type: "button", id: "run", text: "Run" });
  const stop = el("button", { type: "button", id: "stop", text: "Stop" });
  run.addEventListener("click", async () => {
    const options = {};
    for (const input of form.querySelectorAll("input")) {
      const s = section.settings.find(x => x.name === input.name);
      if (input.value !== "" && input.value !== String(s.value ?? "")) options[input.name] = input.value;
    }
    message.textContent = "";
    try { state.watching = (await api("POST", "/api/runs", { section: id, options })).id; renderLive(); } catch (e) { message.textContent = e.message; }
  });
  stop.addEventListener("click", () => { const r = state.queue.current; if (r) api("POST", `/api/runs/${r.id}/stop`); });
  const live = el("div", { id: "live" });
  main.replaceChildren(el("h1", { text: `${section.number} ${section.title}` }),
    el("div", { class: "section" }, source, el("div", {}, el("h2", { text: "Settings (the book's values)" }), form, run, stop, message, live)));
  state.liveSection = id;
  renderLive();
}
const keywords = new Set(["public", "private", "internal", "sealed", "static", "record", "class", "var", "new", "return", "using", "namespace", "foreach", "in", "if", "else", "int", "double", "string", "void", "readonly", "override", "const", "bool", "true", "false", "null"]);
// A line of C# with its comments, strings and keywords marked (a light highlighting: enough to read, not a parser).
function highlight(line) {
  const span = el("span");
  for (const part of line.split(/(\/\/.*$|"(?:[^"\\]|\\.)*"|\b[a-z]+\b)/)) {
    if (!part) continue;
    const cls = part.startsWith("//") ? "c" : part.startsWith('"') ? "s" : keywords.has(part) ? "k" : null;
    span.append(cls ? el("b", { class: cls, text: part }) : document.createTextNode(part));
  }
  if (!line) span.append("\u200b");
  return span;
}
function renderLive() {
  const live = document.getElementById("live");
  if (!live) return;
  const current = Object.entries(state.runs).reverse().find(([, r]) => r.section === state.liveSection);
  if (!current) { live.replaceChildren(el("p", { class: "muted", text: "Not run in this studio yet." })); return; }
  const [runId, run] = current;
  const view = runView(run.events);
  const p = view.progress;
  const bar = el("div", { class: "progress" }, el("div"));
  if (p) bar.firstChild.style.width = `${100 * ((p.epoch - 1) + p.batch / Math.max(p.batches, 1)) / p.epochs}%`;
  const children = [el("h2", { text: `Run ${runId}: ${run.status}` }), bar, el("p", { class: "muted", id: "status", text: p ? [p.status, run.status === "running" ? p.left : null].filter(Boolean).join(" · ") : "" })];
  for (const figure of view.order) children.push(el("h3", { text: figure }), drawChart(view.charts[figure].chart, seriesOf(view.charts[figure])));
  children.push(el("pre", { class: "lines", id: "lines", text: view.lines.join("\n") }));
  if (view.ended?.message) children.push(el("p", { class: "failure", id: "failure", text: view.ended.message }));
  const folder = view.ended?.folder ? relative(view.ended.folder) : view.folder ? relative(view.folder) : null;
  if (folder) {
    const figures = el("div", { class: "figures" });
    for (const file of view.figures) figures.append(el("img", { src: fileUrl(folder, file), alt: file }));
    children.push(figures);
  }
  if (view.ended?.folder) {
    const links = el("p", {}, "Files: ");
    for (const file of ["metrics.json", ...view.order.map(f => f + ".png"), ...view.figures, "model.safetensors"])
      links.append(el("a", { href: fileUrl(folder, file), text: file }), " ");
    children.push(el("table", {}, ...Object.entries(view.metrics).map(([k, v]) => el("tr", {}, el("td", { text: k }), el("td", { text: String(v) })))), links);
  }
  live.replaceChildren(...children);
}
const relative = path => { const i = path.replaceAll("\\", "/").lastIndexOf("/", path.replaceAll("\\", "/").lastIndexOf("/") - 1); return path.replaceAll("\\", "/").slice(i + 1); };

// Every run in the runs folder, with their curves drawn over each other.
async function showRuns() {
  const runs = await api("GET", "/api/runs");
  const picked = state.picked ??= new Set();
  const overlay = el("div", { id: "overlay" });
  const compare = el("button", { type: "button", id: "compare", text: "Draw the picked runs together" });
  compare.addEventListener("click", async () => {
    const figures = {};
    for (const folder of picked) {
      const lines = (await api("GET", fileUrl(folder, "events.jsonl"))).split("\n").filter(Boolean).map(JSON.parse);
      const view = runView(lines);
      for (const name of view.order) {
        const chart = view.charts[name].chart;
        figures[name] ??= { chart: { ...chart, x_lim: null }, series: [] };
        for (const s of seriesOf(view.charts[name])) figures[name].series.push({ name: `${folder.split("/")[1]} ${s.name}`, points: s.points });
      }
    }
    overlay.replaceChildren(...Object.entries(figures).flatMap(([name, f]) => [el("h3", { text: name }), drawChart(f.chart, f.series)]));
  });
  const body = el("tbody");
  for (const r of runs.reverse()) {
    const box = el("input", { type: "checkbox", "aria-label": r.folder });
    box.checked = picked.has(r.folder);
    box.addEventListener("change", () => box.checked ? picked.add(r.folder) : picked.delete(r.folder));
    const remove = el("button", { type: "button", text: "Delete" });
    remove.addEventListener("click", async () => { if (confirm(`Delete the run ${r.folder}?`)) { await api("DELETE", `/api/runs/${r.folder}`); showRuns(); } });
    const fmt = o => Object.entries(o ?? {}).map(([k, v]) => `${k} ${typeof v === "number" ? Number(v.toPrecision(4)) : v}`).join(", ");
    body.append(el("tr", { "data-run": r.folder }, el("td", {}, box), el("td", { text: `${r.section} ${r.id}` }), el("td", { text: r.folder.split("/")[1] }),
      el("td", { text: fmt(r.hyperparameters) }), el("td", { text: fmt(r.metrics) }), el("td", { text: `${r.wall_seconds} s` }), el("td", { text: r.device }), el("td", {}, remove)));
  }
  const shown = runs.map(r => r.folder).join("\n");
  clearInterval(state.runsPoll);
  // Runs made from the command line appear too: the folder is read again every few seconds while the page shows it.
  state.runsPoll = setInterval(async () => {
    if (location.hash !== "#/runs") { clearInterval(state.runsPoll); return; }
    const now = await api("GET", "/api/runs");
    if (now.map(r => r.folder).join("\n") !== shown) showRuns();
  }, 3000);
  main.replaceChildren(el("h1", { text: "Runs" }), compare, el("table", { id: "runs" }, el("thead", {}, el("tr", {}, ...["", "section", "started", "settings", "metrics", "time", "device", ""].map(t => el("th", { text: t })))), body), overlay);
}

function route() {
  const hash = location.hash || "#/";
  if (hash.startsWith("#/s/")) showSection(decodeURIComponent(hash.slice(4)));
  else if (hash === "#/runs") showRuns();
  else { state.liveSection = null; showSections(); }
}
function showQueue() {
  const q = state.queue;
  document.getElementById("queue").textContent = q.current ? `running ${q.current.section} (${q.current.status})${q.waiting.length ? `, ${q.waiting.length} waiting: ${q.waiting.map(w => w.section).join(", ")}` : ""}` : "idle";
}

const stream = new EventSource("/api/stream");
stream.onmessage = message => {
  const m = JSON.parse(message.data);
  if (m.kind === "state") {
    state.queue = m;
    for (const r of [m.current, ...m.waiting].filter(Boolean)) { state.runs[r.id] ??= { section: r.section, events: [], status: r.status }; state.runs[r.id].status = r.status; }
    showQueue();
  } else if (m.kind === "event") {
    const run = state.runs[m.run] ??= { section: m.event.section, events: [], status: "running" };
    run.events.push(m.event);
  } else if (m.kind === "ended") {
    if (state.runs[m.run]) state.runs[m.run].status = m.status;
    if (location.hash === "#/runs") showRuns();
  }
  renderLive();
};
api("GET", "/api/sections").then(sections => { state.sections = sections; window.addEventListener("hashchange", route); route(); });
