// skyloop watch: follows the server's event stream, keeps a copy of its state and draws it. No build step:
// plain browser JavaScript and uPlot (served by the watch server).
"use strict";
(() => {
  const MAX_POINTS = 5000;
  const MAX_DECISIONS = 200;
  const COLORS = ["#4fa3ff", "#f29b4b", "#3ecf8e", "#c792ea", "#f2645a", "#e6d36b", "#5fd1d6", "#ff8fb1"];
  const PLANE_COLORS = { x: "#4fa3ff", y: "#f29b4b" };
  const INTEGER_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];
  const TOKEN_KEY = "skyloop-watch-token";
  const AXIS = { stroke: "#8796a8", grid: { stroke: "#2a3441", width: 1 }, ticks: { stroke: "#2a3441", width: 1 } };

  const $ = (id) => document.getElementById(id);
  let S = null; // the server's state, kept up to date by its updates
  let viewing = null; // a past run's detail, when one is selected
  let token = null;
  let canControl = false;
  let streamOpen = false;
  let decisionsSeen = 0;
  const plots = {};
  const dirty = new Set();
  let scheduled = false;

  /* ---------------------------------------------------------------- formatting */

  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const short = (uid) => (uid ? String(uid).slice(0, 8) : "—");
  function num(v, digits = 4) {
    if (v === null || v === undefined || !Number.isFinite(v)) return "—";
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
    return Number(v.toPrecision(digits)).toString();
  }
  function latency(us) {
    if (!Number.isFinite(us)) return "—";
    if (us < 1000) return `${us.toFixed(0)} µs`;
    if (us < 1e6) return `${(us / 1000).toFixed(us < 1e4 ? 2 : 1)} ms`;
    return `${(us / 1e6).toFixed(2)} s`;
  }
  const clock = (t) => (Number.isFinite(t) ? new Date(t * 1000).toLocaleTimeString([], { hour12: false }) : "—");
  const dateTime = (t) => (Number.isFinite(t) ? new Date(t * 1000).toLocaleString([], { hour12: false }) : "—");
  function duration(s) {
    if (!Number.isFinite(s) || s < 0) return "—";
    if (s < 60) return `${s.toFixed(1)} s`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
    return `${Math.floor(m / 60)} h ${m % 60} min`;
  }
  function pointsOf(suggestion) {
    if (suggestion === null || suggestion === undefined) return [];
    return Array.isArray(suggestion) ? suggestion : [suggestion];
  }
  function suggestionText(d) {
    const pts = pointsOf(d.suggestion);
    if (pts.length === 0) return d.reason ?? "no suggestion";
    const first = Object.entries(pts[0]);
    const shown = first.slice(0, 3).map(([k, v]) => `${k}=${num(v, 3)}`).join(", ");
    const more = first.length > 3 ? ` +${first.length - 3}` : "";
    const many = pts.length > 1 ? ` (${pts.length} points)` : "";
    return `${shown}${more}${many}${d.reason ? ` — ${d.reason}` : ""}`;
  }

  /* ---------------------------------------------------------------- state updates */

  function emptyDetail(summary) {
    const objective = {};
    for (const f of summary.objective) objective[f] = [];
    return { summary, seq: [], time: [], objective, orbit: { initial: null, before: null, after: null } };
  }
  function trim(list, max) {
    if (list.length > max) list.splice(0, list.length - max);
  }

  function apply(u) {
    switch (u.type) {
      case "run": {
        const i = S.runs.findIndex((r) => r.uid === u.run.uid);
        if (i >= 0) S.runs[i] = u.run;
        else S.runs.unshift(u.run);
        if (S.current === null || S.current.summary.uid !== u.run.uid) {
          if (i < 0) S.current = emptyDetail(u.run);
        } else {
          S.current.summary = u.run;
          for (const f of u.run.objective) S.current.objective[f] ??= new Array(S.current.seq.length).fill(null);
        }
        dirty.add("run").add("runs").add("objective").add("orbit");
        break;
      }
      case "point": {
        const c = S.current;
        if (c === null || c.summary.uid !== u.run) break;
        c.seq.push(u.seq);
        c.time.push(u.time);
        trim(c.seq, MAX_POINTS);
        trim(c.time, MAX_POINTS);
        for (const f of c.summary.objective) {
          (c.objective[f] ??= []).push(u.values[f] ?? null);
          trim(c.objective[f], MAX_POINTS);
        }
        c.summary.events = u.events;
        c.summary.last_event_time = u.time;
        const r = S.runs.find((x) => x.uid === u.run);
        if (r) {
          r.events = u.events;
          r.last_event_time = u.time;
        }
        if (u.orbit) {
          const profile = { seq: u.seq, values: u.orbit };
          c.orbit.initial ??= profile;
          c.orbit.before = c.orbit.after;
          c.orbit.after = profile;
          dirty.add("orbit");
        }
        dirty.add("run").add("objective").add("runs");
        break;
      }
      case "decision":
        S.decisions.push(u.decision);
        trim(S.decisions, MAX_DECISIONS);
        dirty.add("decisions").add("agent");
        break;
      case "training": {
        const p = u.progress;
        let t = S.training.find((x) => x.agent === p.agent);
        if (!t || t.session !== p.session) {
          if (t) S.training.splice(S.training.indexOf(t), 1);
          t = { ...u.training, episode: [], reward: [], rms: [] };
          S.training.push(t);
        }
        Object.assign(t, { ...u.training, episode: t.episode, reward: t.reward, rms: t.rms });
        t.episode.push(p.episode);
        t.reward.push(p.reward);
        t.rms.push(p.rms);
        for (const k of ["episode", "reward", "rms"]) trim(t[k], MAX_POINTS);
        dirty.add("training");
        break;
      }
      case "engine":
        S.engine = u.engine;
        dirty.add("header").add("controls");
        break;
      case "connection":
        S.connected = u.connected;
        S.connection = u.detail;
        dirty.add("header");
        break;
      case "invalid":
        S.invalid.count++;
        S.invalid.last = `${u.subject}: ${u.reason}`;
        dirty.add("footer");
        break;
    }
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    const run = () => {
      scheduled = false;
      render();
    };
    if (document.hidden) setTimeout(run, 500);
    else requestAnimationFrame(run);
  }

  /* ---------------------------------------------------------------- rendering */

  function render() {
    if (S === null) return;
    const all = dirty.has("all");
    const want = (part) => all || dirty.has(part);
    if (want("header")) renderHeader();
    if (want("controls") || want("header")) renderControls();
    if (want("run")) renderRun();
    if (want("agent")) renderAgent();
    if (want("objective")) renderObjective();
    if (want("orbit")) renderOrbit();
    if (want("training")) renderTraining();
    if (want("decisions")) renderDecisions();
    if (want("runs")) renderRuns();
    if (want("footer") || all) renderFooter();
    dirty.clear();
  }

  function renderHeader() {
    $("instrument").textContent = S.instrument;
    const conn = $("connection");
    const live = streamOpen && S.connected;
    conn.dataset.state = live ? "live" : streamOpen ? "down" : "connecting";
    $("connection-text").textContent = !streamOpen ? "reconnecting to the watch server…" : S.connected ? `live · ${S.source}` : S.connection || "bus disconnected";
    const badge = $("engine-state");
    badge.dataset.state = S.engine.state;
    badge.textContent = S.engine.state;
    badge.title = S.engine.from === "status" ? "published by the engine" : S.engine.from === "documents" ? "inferred from the documents (no status from the engine)" : "";
  }

  function shownRun() {
    return viewing ?? S.current;
  }

  function renderRun() {
    const d = shownRun();
    $("run-viewing").innerHTML = viewing ? `viewing a past run · <a href="#" id="back-live">back to live</a>` : "";
    const back = $("back-live");
    if (back) back.onclick = (e) => (e.preventDefault(), selectRun(null));
    if (d === null) {
      $("run-title").textContent = "waiting for a run…";
      $("run-facts").innerHTML = "";
      $("run-progress").style.width = "0";
      $("run-progress-text").textContent = "";
      return;
    }
    const r = d.summary;
    $("run-title").innerHTML = `${r.campaign ? `${esc(r.campaign)} <span class="muted">·</span> ` : ""}${esc(r.plan_name ?? "run")}`;
    const end = r.stop_time ?? (S.engine.state === "idle" ? r.last_event_time : Date.now() / 1000);
    const status = r.exit_status ?? (S.engine.state === "paused" ? "paused" : "running");
    const facts = [
      ["scan", r.scan_id ?? "—"],
      ["status", `<span class="status ${esc(status)}">${esc(status)}</span>`],
      ["run", `<code title="${esc(r.uid)}">${short(r.uid)}</code>`],
      ["agent", esc(r.agent ?? (S.decisions.at(-1)?.agent ?? "—"))],
      ["started", esc(dateTime(r.time))],
      ["elapsed", esc(duration(end - r.time))],
    ];
    if (r.reason) facts.push(["reason", esc(r.reason)]);
    $("run-facts").innerHTML = facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("");
    const bar = $("run-progress");
    if (r.num_points) {
      const pct = Math.min(100, (100 * r.events) / r.num_points);
      bar.classList.remove("indeterminate");
      bar.style.width = `${pct}%`;
      $("run-progress-text").textContent = `${r.events} of ${r.num_points} iterations (${pct.toFixed(0)}%)`;
    } else {
      bar.classList.toggle("indeterminate", r.exit_status === null);
      bar.style.width = r.exit_status === null ? "" : "100%";
      $("run-progress-text").textContent = `${r.events} iteration${r.events === 1 ? "" : "s"}${r.exit_status ? "" : " so far"}`;
    }
  }

  function renderAgent() {
    const box = $("agent-latest");
    const last = S.decisions.at(-1);
    if (!last) {
      box.className = "muted";
      box.textContent = "no decision yet";
      return;
    }
    box.className = "";
    const pts = pointsOf(last.suggestion);
    const first = pts.length ? Object.entries(pts[0]) : [];
    const shown = first.slice(0, 12);
    const inputs = Object.entries(last.inputs ?? {}).filter(([, v]) => typeof v === "number" || typeof v === "string" || typeof v === "boolean").slice(0, 6);
    const others = new Map();
    for (const d of S.decisions) if (d.agent !== last.agent) others.set(d.agent, d);
    box.innerHTML = `
      <div class="agent-head"><span class="agent-name">${esc(last.agent)}</span>
        <span class="muted small">run <code>${short(last.run)}</code> · ${esc(clock(last.time))}</span></div>
      <div class="metrics">
        <div class="metric"><div class="v" id="latest-score">${num(last.score)}</div><div class="k">score</div></div>
        <div class="metric"><div class="v" id="latest-latency">${latency(last.latency_us)}</div><div class="k">decision latency</div></div>
        <div class="metric"><div class="v">${pts.length ? `${first.length}` : "—"}</div><div class="k">${pts.length > 1 ? `targets × ${pts.length} points` : "targets"}</div></div>
        ${inputs.map(([k, v]) => `<div class="metric"><div class="v">${typeof v === "number" ? num(v) : esc(v)}</div><div class="k">${esc(k)}</div></div>`).join("")}
      </div>
      ${last.reason ? `<div class="rationale">${esc(last.reason)}</div>` : ""}
      ${pts.length ? `<div class="points">${shown.map(([k, v]) => `<div><span class="n" title="${esc(k)}">${esc(k)}</span><span>${num(v)}</span></div>`).join("")}</div>` : `<div class="muted">no suggestion: the agent chose to wait</div>`}
      ${first.length > shown.length ? `<div class="muted small">+${first.length - shown.length} more</div>` : ""}
      ${others.size ? `<div class="agents-others muted">${[...others.values()].map((d) => `${esc(d.agent)}: ${num(d.score)} · ${latency(d.latency_us)}`).join(" &nbsp;|&nbsp; ")}</div>` : ""}`;
  }

  function plotWidth(el) {
    return Math.max(300, el.clientWidth);
  }

  /** Creates the plot when its layout (series, scales) changed, otherwise only swaps the data. */
  function draw(name, el, layoutKey, makeOpts, data) {
    let p = plots[name];
    if (p && p.key !== layoutKey) {
      p.plot.destroy();
      p = undefined;
    }
    if (!p) {
      el.innerHTML = "";
      const plot = new uPlot(makeOpts(plotWidth(el)), data, el);
      p = plots[name] = { plot, key: layoutKey };
    } else {
      p.plot.setData(data);
    }
  }

  function renderObjective() {
    const el = $("objective-plot");
    const d = shownRun();
    const fields = d ? d.summary.objective : [];
    const box = $("objective-log");
    // RMS curves fall by orders of magnitude: a log axis shows the later steps, unless the operator chose.
    if (box.dataset.touched !== "true") box.checked = fields.length > 0 && fields.every((f) => /rms/i.test(f));
    const log = box.checked;
    const pos = (v) => (log && !(v > 0) ? null : v);
    const data = [d ? d.seq.slice() : [], ...fields.map((f) => (d.objective[f] ?? []).map(pos))];
    el.dataset.points = String(data[0].length);
    el.dataset.fields = fields.join(",");
    draw("objective", el, `${fields.join("|")}:${log}`, (width) => ({
      width,
      height: 260,
      scales: { x: { time: false }, y: log ? { distr: 3 } : {} },
      axes: [{ ...AXIS, label: "iteration", labelSize: 20, incrs: INTEGER_STEPS }, { ...AXIS, size: 60 }],
      series: [{ label: "iteration" }, ...fields.map((f, i) => ({ label: f, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: true, points: { show: true, size: 5 } }))],
      cursor: { drag: { x: true, y: false } },
    }), data);
  }

  function planeColor(field, i) {
    const m = /([xy])$/i.exec(field);
    return m ? PLANE_COLORS[m[1].toLowerCase()] : COLORS[i % COLORS.length];
  }
  function alpha(hex, a) {
    return hex + Math.round(a * 255).toString(16).padStart(2, "0");
  }

  function renderOrbit() {
    const el = $("orbit-plot");
    const d = shownRun();
    const fields = d ? d.summary.orbit : [];
    const o = d ? d.orbit : { initial: null, before: null, after: null };
    const n = Math.max(0, ...fields.map((f) => o.after?.values[f]?.length ?? 0));
    const names = d?.summary.bpm_names ?? null;
    const series = [{ label: "BPM", value: (u, v) => (v === null ? "—" : names?.[v] ?? `#${v}`) }];
    const data = [Array.from({ length: n }, (_, i) => i)];
    const profile = (p, f) => (p ? Array.from({ length: n }, (_, i) => p.values[f]?.[i] ?? null) : new Array(n).fill(null));
    fields.forEach((f, i) => {
      const c = planeColor(f, i);
      series.push({ label: `${f} initial`, stroke: alpha(c, 0.3), width: 1, dash: [2, 4], points: { show: false } });
      data.push(profile(o.initial, f));
      series.push({ label: `${f} before`, stroke: alpha(c, 0.55), width: 1.5, dash: [6, 4], points: { show: false } });
      data.push(profile(o.before, f));
      series.push({ label: `${f} after`, stroke: c, width: 2.2, points: { show: true, size: 5, fill: c } });
      data.push(profile(o.after, f));
    });
    el.dataset.bpms = String(n);
    el.dataset.seq = o.after ? String(o.after.seq) : "";
    $("orbit-caption").textContent = o.after
      ? `at every BPM (mm): initial, before and after the latest correction (iteration ${o.before ? o.before.seq : "—"} → ${o.after.seq})`
      : "at every BPM, before and after the latest correction";
    draw("orbit", el, `${fields.join("|")}:${n}:${names ? names.length : 0}`, (width) => ({
      width,
      height: 260,
      scales: { x: { time: false } },
      axes: [
        { ...AXIS, label: "BPM", labelSize: 20, space: 80, incrs: [1, 2, 3, 4, 5, 10, 20, 50, 100], values: (u, splits) => splits.map((v) => (Number.isInteger(v) ? names?.[v] ?? v : "")) },
        { ...AXIS, size: 60, label: "mm", labelSize: 20 },
      ],
      series,
      legend: { live: false },
      cursor: { drag: { x: true, y: false } },
    }), data);
  }

  function renderTraining() {
    const card = $("training-card");
    const t = S.training.at(-1);
    if (!t) {
      card.classList.add("hidden");
      return;
    }
    card.classList.remove("hidden");
    const el = $("training-plot");
    el.dataset.episodes = String(t.episode.length);
    $("training-caption").textContent = `${t.agent} · session ${t.session} · episode ${t.episode.at(-1) ?? "—"} · ${num(t.steps_per_s, 3)} steps/s${t.loss !== null ? ` · loss ${num(t.loss, 3)}` : ""}${t.done ? " · done" : ""}`;
    draw("training", el, `${t.agent}:${t.session}`, (width) => ({
      width,
      height: 240,
      scales: { x: { time: false }, reward: {}, rms: {} },
      axes: [
        { ...AXIS, label: "episode", labelSize: 20, incrs: INTEGER_STEPS },
        { ...AXIS, scale: "reward", label: "reward", labelSize: 20, size: 60 },
        { ...AXIS, scale: "rms", side: 1, label: "RMS", labelSize: 20, size: 60, grid: { show: false } },
      ],
      series: [
        { label: "episode" },
        { label: "reward", scale: "reward", stroke: COLORS[2], width: 2 },
        { label: "RMS", scale: "rms", stroke: COLORS[1], width: 2 },
      ],
    }), [t.episode.slice(), t.reward.slice(), t.rms.slice()]);
  }

  function renderDecisions() {
    const body = $("decision-log").querySelector("tbody");
    const rows = S.decisions.slice().reverse();
    const fresh = Math.max(0, Math.min(rows.length, S.decisions.length - decisionsSeen));
    decisionsSeen = S.decisions.length;
    body.innerHTML = rows
      .map((d, i) => `<tr class="${i < fresh && fresh < rows.length ? "fresh" : ""}"><td>${esc(clock(d.time))}</td><td>${esc(d.agent)}</td><td><code>${short(d.run)}</code></td>
        <td class="num">${num(d.score)}</td><td class="num">${latency(d.latency_us)}</td><td class="text" title="${esc(suggestionText(d))}">${esc(suggestionText(d))}</td></tr>`)
      .join("");
    $("decision-count").textContent = S.decisions.length ? `(${S.decisions.length}${S.decisions.length >= MAX_DECISIONS ? ", latest" : ""})` : "";
  }

  function renderRuns() {
    const body = $("runs-table").querySelector("tbody");
    const selected = viewing ? viewing.summary.uid : S.current?.summary.uid;
    body.innerHTML = S.runs
      .map((r) => {
        const end = r.stop_time ?? r.last_event_time;
        const status = r.exit_status ?? "running";
        return `<tr data-uid="${esc(r.uid)}" class="${r.uid === selected ? "selected" : ""}"><td>${esc(r.scan_id ?? "—")}</td><td>${esc(r.campaign ? `${r.campaign} · ${r.plan_name ?? ""}` : r.plan_name ?? "—")}</td>
          <td>${esc(dateTime(r.time))}</td><td class="num">${r.events}</td><td class="num">${end ? esc(duration(end - r.time)) : "—"}</td>
          <td><span class="status ${esc(status)}">${esc(status)}</span>${r.reason ? ` <span class="muted">${esc(r.reason)}</span>` : ""}</td></tr>`;
      })
      .join("");
  }

  function renderFooter() {
    const inv = S.invalid.count ? ` · ${S.invalid.count} message(s) dropped as malformed (last: ${S.invalid.last})` : "";
    $("footer").textContent = `instrument ${S.instrument} · source ${S.source}${inv}`;
  }

  /* ---------------------------------------------------------------- past runs */

  async function selectRun(uid) {
    if (uid === null || uid === S.current?.summary.uid) {
      viewing = null;
    } else {
      const res = await fetch(`/api/runs/${encodeURIComponent(uid)}`);
      if (!res.ok) return notify(`run ${short(uid)} is no longer kept`, false);
      viewing = await res.json();
    }
    for (const p of ["run", "objective", "orbit", "runs"]) dirty.add(p);
    schedule();
  }

  $("runs-table").addEventListener("click", (e) => {
    const tr = e.target.closest("tr[data-uid]");
    if (tr) void selectRun(tr.dataset.uid);
  });
  $("objective-log").addEventListener("change", (e) => {
    e.target.dataset.touched = "true";
    dirty.add("objective");
    schedule();
  });

  /* ---------------------------------------------------------------- control */

  function notify(text, ok) {
    const n = $("notice");
    n.textContent = text;
    n.className = `notice ${ok ? "ok" : "bad"}`;
    clearTimeout(notify.timer);
    notify.timer = setTimeout(() => n.classList.add("hidden"), 8000);
  }

  function renderControls() {
    const enabled = Boolean(S?.control) && canControl;
    const state = S?.engine.state ?? "unknown";
    const unknown = state === "unknown";
    $("btn-pause").disabled = !enabled || !(unknown || state === "running" || state === "suspending");
    $("btn-resume").disabled = !enabled || !(unknown || state === "paused");
    $("btn-abort").disabled = !enabled || !(unknown || ["running", "paused", "pausing", "suspending"].includes(state));
    const lock = $("btn-lock");
    if (!S?.control) {
      lock.textContent = "read-only";
      lock.disabled = true;
      lock.title = "this watch server was started without --token: nobody can control the campaign from here";
    } else {
      lock.disabled = false;
      lock.textContent = canControl ? "Controls unlocked" : "Unlock";
      lock.classList.toggle("unlocked", canControl);
    }
    $("controls").dataset.enabled = String(enabled);
  }

  async function checkToken(candidate) {
    if (!candidate) return false;
    const res = await fetch("/api/session", { method: "POST", headers: { Authorization: `Bearer ${candidate}` } });
    return res.ok;
  }

  async function unlock(candidate, quiet) {
    const ok = await checkToken(candidate);
    canControl = ok;
    token = ok ? candidate : null;
    if (ok) sessionStorage.setItem(TOKEN_KEY, candidate);
    else sessionStorage.removeItem(TOKEN_KEY);
    if (!quiet || !ok) notify(ok ? "controls unlocked" : "the control token was refused", ok);
    renderControls();
    return ok;
  }

  async function control(action, reason) {
    if (!token) return;
    const body = reason ? { action, reason } : { action };
    let res;
    try {
      res = await fetch("/api/control", { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });
    } catch (err) {
      return notify(`${action}: the watch server did not answer (${err.message})`, false);
    }
    const reply = await res.json().catch(() => ({}));
    if (res.status === 403) {
      canControl = false;
      renderControls();
    }
    if (res.ok) notify(`${action}: done${reply.state ? ` (engine ${reply.state})` : ""}`, true);
    else notify(`${action} refused: ${reply.reason ?? reply.error ?? res.statusText}`, false);
  }

  $("btn-pause").addEventListener("click", () => void control("pause"));
  $("btn-resume").addEventListener("click", () => void control("resume"));
  $("btn-abort").addEventListener("click", () => {
    $("abort-bar").classList.remove("hidden");
    $("abort-reason").focus();
  });
  $("abort-cancel").addEventListener("click", () => $("abort-bar").classList.add("hidden"));
  $("abort-form").addEventListener("submit", (e) => {
    e.preventDefault();
    $("abort-bar").classList.add("hidden");
    void control("abort", $("abort-reason").value.trim() || "aborted from skyloop watch");
  });
  $("btn-lock").addEventListener("click", () => {
    if (canControl) {
      canControl = false;
      token = null;
      sessionStorage.removeItem(TOKEN_KEY);
      renderControls();
      return;
    }
    $("unlock-bar").classList.remove("hidden");
    $("token-input").focus();
  });
  $("unlock-cancel").addEventListener("click", () => $("unlock-bar").classList.add("hidden"));
  $("unlock-form").addEventListener("submit", (e) => {
    e.preventDefault();
    $("unlock-bar").classList.add("hidden");
    const candidate = $("token-input").value.trim();
    $("token-input").value = "";
    void unlock(candidate, false);
  });

  /* ---------------------------------------------------------------- start */

  function connect() {
    const es = new EventSource("/api/events");
    es.addEventListener("open", () => {
      streamOpen = true;
      dirty.add("header");
      schedule();
    });
    es.addEventListener("snapshot", (e) => {
      S = JSON.parse(e.data);
      decisionsSeen = S.decisions.length;
      streamOpen = true;
      dirty.add("all");
      schedule();
    });
    es.addEventListener("update", (e) => {
      if (S === null) return;
      apply(JSON.parse(e.data));
      schedule();
    });
    es.addEventListener("error", () => {
      streamOpen = false;
      if (S !== null) {
        dirty.add("header");
        schedule();
      }
    });
  }

  window.addEventListener("resize", () => {
    for (const [name, p] of Object.entries(plots)) p.plot.setSize({ width: plotWidth($(`${name}-plot`)), height: p.plot.height });
  });

  const fromHash = new URLSearchParams(location.hash.slice(1)).get("token");
  if (fromHash) history.replaceState(null, "", location.pathname + location.search);
  const stored = fromHash || sessionStorage.getItem(TOKEN_KEY);
  connect();
  if (stored) void unlock(stored, true);
})();
