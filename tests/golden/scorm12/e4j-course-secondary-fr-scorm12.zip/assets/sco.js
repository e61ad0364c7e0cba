/* SCORM run-time for E4J packages: one small file, no framework.
   The version comes from the script tag (data-scorm="1.2" or "2004"); without an LMS the page
   works as the HTML edition. Order on submit: interactions, score, status, session time, one
   Commit. Terminate exactly once, on leaving. */
(function () {
  "use strict";
  var script = document.currentScript;
  var VERSION = script && script.dataset.scorm === "2004" ? "2004" : "1.2";
  var MASTERY = script && script.dataset.mastery ? Number(script.dataset.mastery) : null;
  var is12 = VERSION === "1.2";
  var E = is12 ? {
    api: "API", init: "LMSInitialize", finish: "LMSFinish", get: "LMSGetValue", set: "LMSSetValue",
    commit: "LMSCommit", location: "cmi.core.lesson_location", suspend: "cmi.suspend_data",
    mode: "cmi.core.lesson_mode", status: "cmi.core.lesson_status", exit: "cmi.core.exit",
    sessionTime: "cmi.core.session_time", raw: "cmi.core.score.raw", min: "cmi.core.score.min",
    max: "cmi.core.score.max", masteryLms: "cmi.student_data.mastery_score",
    suspendLimit: 4096, locationLimit: 255, responseLimit: 255
  } : {
    api: "API_1484_11", init: "Initialize", finish: "Terminate", get: "GetValue", set: "SetValue",
    commit: "Commit", location: "cmi.location", suspend: "cmi.suspend_data", mode: "cmi.mode",
    completion: "cmi.completion_status", success: "cmi.success_status", exit: "cmi.exit",
    sessionTime: "cmi.session_time", raw: "cmi.score.raw", min: "cmi.score.min",
    max: "cmi.score.max", scaled: "cmi.score.scaled", masteryLms: "cmi.scaled_passing_score",
    suspendLimit: 64000, locationLimit: 1000, responseLimit: 4000
  };

  function findAPI(start) {
    var win = start, hops = 0;
    while (win && hops < 500) {
      try { if (win[E.api]) { return win[E.api]; } } catch (e) { /* another origin: stop here */ return null; }
      if (win.parent === win) { break; }
      win = win.parent; hops += 1;
    }
    return null;
  }
  var api = findAPI(window);
  if (!api && window.opener) { try { api = findAPI(window.opener); } catch (e) { api = null; } }
  if (!api) { return; } /* standalone: the page works on its own */

  var startedAt = Date.now();
  var active = false, finished = false, submitted = false;

  function get(name) { var v = api[E.get](name); return v === null || v === undefined ? "" : String(v); }
  function set(name, value) { return String(api[E.set](name, String(value))) === "true"; }

  function pad(n, width) { var s = String(n); while (s.length < width) { s = "0" + s; } return s; }
  function duration(ms) {
    var total = Math.max(0, Math.round(ms / 10)) / 100;
    var h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    if (is12) { return pad(h, 4) + ":" + pad(m, 2) + ":" + (s < 10 ? "0" : "") + s.toFixed(2); }
    return "PT" + (h ? h + "H" : "") + (m ? m + "M" : "") + s.toFixed(2).replace(/\.00$/, "") + "S";
  }
  function timestamp() {
    var d = new Date();
    if (is12) { return pad(d.getHours(), 2) + ":" + pad(d.getMinutes(), 2) + ":" + pad(d.getSeconds(), 2); }
    return d.toISOString().replace(/\.\d{3}Z$/, "");
  }

  /* SCORM identifiers: option n -> a, b, c…; premise n -> 1, 2, 3… */
  function letter(i) { return i < 26 ? String.fromCharCode(97 + Number(i)) : "o" + i; }
  var SEP = is12 ? { list: ",", pair: ".", range: null } : { list: "[,]", pair: "[.]", range: "[:]" };

  function describe(item, key) {
    var r = item.response, type, response, pattern;
    if (item.type === "single" || item.type === "multiple") {
      type = "choice";
      response = r.map(letter).join(SEP.list);
      pattern = key.correct.map(letter).join(SEP.list);
    } else if (item.type === "truefalse") {
      type = "true-false";
      response = r.length ? (is12 ? r[0].charAt(0) : r[0]) : "";
      pattern = is12 ? (key.answer ? "t" : "f") : String(key.answer);
    } else if (item.type === "matching") {
      type = "matching";
      response = r.map(function (v, i) { return v === "" ? null : (i + 1) + SEP.pair + letter(v); })
        .filter(Boolean).join(SEP.list);
      pattern = key.pairs.map(function (v, i) { return (i + 1) + SEP.pair + letter(v); }).join(SEP.list);
    } else if (item.type === "numerical") {
      type = "numeric";
      response = String(r).trim().replace(",", ".");
      pattern = is12 ? String(key.answer) : (key.answer - key.tolerance) + SEP.range + (key.answer + key.tolerance);
    } else if (item.type === "essay") {
      type = is12 ? "fill-in" : "long-fill-in";
      response = String(r);
      pattern = null;
    } else {
      type = "fill-in";
      response = String(r).trim();
      pattern = key.accepted[0];
    }
    var result = item.verdict === "correct" ? "correct" : item.verdict === "essay" ? "neutral" :
      (is12 ? "wrong" : "incorrect");
    return { type: type, response: response.slice(0, E.responseLimit), pattern: pattern, result: result };
  }

  function recordInteractions(items) {
    items.forEach(function (item) {
      var key = window.E4JQuiz.questions[item.id];
      var d = describe(item, key);
      var n = Number(get("cmi.interactions._count")) || 0;
      var p = "cmi.interactions." + n + ".";
      set(p + "id", item.id);
      set(p + "type", d.type);
      if (key.outcome) { set(p + "objectives.0.id", key.outcome); }
      set(p + (is12 ? "time" : "timestamp"), timestamp());
      set(p + "weighting", key.type === "essay" ? 0 : key.points);
      if (d.pattern !== null) { set(p + "correct_responses.0.pattern", d.pattern); }
      if (d.response !== "") { set(p + (is12 ? "student_response" : "learner_response"), d.response); }
      set(p + "result", d.result);
      set(p + "latency", duration(item.latencyMs));
    });
  }

  function suspendData() {
    var state = { a: window.E4JQuiz ? window.E4JQuiz.getState() : {}, s: submitted };
    var text = JSON.stringify(state);
    if (text.length > E.suspendLimit) { /* drop long essays first, then give up on answers */
      Object.keys(state.a).forEach(function (id) {
        if (typeof state.a[id] === "string" && state.a[id].length > 200) { state.a[id] = state.a[id].slice(0, 200); }
      });
      text = JSON.stringify(state);
      if (text.length > E.suspendLimit) { text = JSON.stringify({ a: {}, s: submitted }); }
    }
    return text;
  }

  function currentSection() {
    var headings = document.querySelectorAll("main h2[id], main h3[id], form.question[id]");
    var best = "";
    Array.prototype.forEach.call(headings, function (h) {
      if (h.getBoundingClientRect().top <= 80) { best = h.id; }
    });
    return best.slice(0, E.locationLimit);
  }

  function onSubmitted(event) {
    if (!active || finished) { return; }
    var detail = event.detail;
    var review = get(E.mode) === "review";
    submitted = true;
    recordInteractions(detail.items);
    set(E.min, 0);
    set(E.max, 100);
    set(E.raw, detail.percent);
    if (!is12) { set(E.scaled, Math.round(detail.percent) / 100); }
    var masteryText = get(E.masteryLms);
    var mastery = masteryText !== "" ? Number(masteryText) * (is12 ? 1 : 100) : (MASTERY !== null ? MASTERY : detail.passMark);
    var passed = detail.percent >= mastery;
    if (!review) {
      if (is12) { set(E.status, passed ? "passed" : "failed"); }
      else { set(E.completion, "completed"); set(E.success, passed ? "passed" : "failed"); set("cmi.progress_measure", 1); }
    }
    set(E.suspend, suspendData());
    set(E.sessionTime, duration(Date.now() - startedAt));
    api[E.commit]("");
  }

  function finish() {
    if (!active || finished) { return; }
    finished = true;
    set(E.location, currentSection());
    set(E.suspend, suspendData());
    if (!window.E4JQuiz) {
      if (is12) { set(E.status, "completed"); } else { set(E.completion, "completed"); }
    }
    set(E.exit, submitted ? (is12 ? "" : "normal") : "suspend");
    set(E.sessionTime, duration(Date.now() - startedAt));
    api[E.finish]("");
  }

  function start() {
    active = String(api[E.init]("")) === "true";
    if (!active) { return; }
    var saved = get(E.suspend);
    if (saved) {
      try {
        var state = JSON.parse(saved);
        submitted = Boolean(state.s);
        if (window.E4JQuiz && state.a) { window.E4JQuiz.setState(state.a); }
      } catch (e) { /* data from another package version: start afresh */ }
    }
    var location = get(E.location);
    var target = location ? document.getElementById(location) : null;
    if (target) { target.scrollIntoView(); }
    if (is12) {
      if (get(E.status) === "not attempted" || get(E.status) === "") { set(E.status, "incomplete"); }
    } else if (get(E.completion) === "not attempted" || get(E.completion) === "unknown" || get(E.completion) === "") {
      set(E.completion, "incomplete");
    }
  }

  document.addEventListener("e4j:quiz-submitted", onSubmitted);
  window.addEventListener("pagehide", finish);
  window.addEventListener("unload", finish);
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
