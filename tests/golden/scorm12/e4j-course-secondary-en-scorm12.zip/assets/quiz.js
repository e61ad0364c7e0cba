/* Self-check quizzes of the E4J editions: plain JavaScript, no network, no storage.
   Other scripts (the SCORM runtime) use window.E4JQuiz and the "e4j:quiz-submitted" event. */
(function () {
  "use strict";
  var dataNode = document.getElementById("quiz-data");
  if (!dataNode) { return; }
  var data = JSON.parse(dataNode.textContent);
  var scoreNode = document.querySelector(".quiz-score");
  var forms = Array.prototype.slice.call(document.querySelectorAll("form.question"));
  var started = {};
  var results = {};

  function fold(text, caseSensitive, accentSensitive) {
    /* NFC: "ã" typed as a + combining tilde (as some keyboards send it) is the "ã" of the key */
    var out = String(text).normalize("NFC").trim().replace(/\s+/g, " ");
    if (!accentSensitive) { out = out.normalize("NFD").replace(/[\u0300-\u036f]/g, ""); }
    if (!caseSensitive) { out = out.toLocaleLowerCase(); }
    return out;
  }

  function paragraph(html) {
    var p = document.createElement("p");
    p.innerHTML = html; /* built by e4j from escaped Markdown, never from learner input */
    return p;
  }

  function inputs(form, selector) { return Array.prototype.slice.call(form.querySelectorAll(selector)); }

  /* What the learner answered, in a form that can be saved and restored. */
  function responseOf(form, key) {
    if (key.type === "single" || key.type === "multiple" || key.type === "truefalse") {
      return inputs(form, "input[type=radio], input[type=checkbox]")
        .filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
    }
    if (key.type === "matching") { return inputs(form, "select").map(function (s) { return s.value; }); }
    if (key.type === "essay") { return form.querySelector("textarea").value; }
    return form.querySelector("input[type=text]").value;
  }

  function restoreResponse(form, key, value) {
    if (value === undefined || value === null) { return; }
    if (key.type === "single" || key.type === "multiple" || key.type === "truefalse") {
      inputs(form, "input[type=radio], input[type=checkbox]").forEach(function (i) {
        i.checked = value.indexOf(i.value) >= 0;
      });
    } else if (key.type === "matching") {
      inputs(form, "select").forEach(function (s, i) { s.value = value[i] || ""; });
    } else if (key.type === "essay") {
      form.querySelector("textarea").value = value;
    } else {
      form.querySelector("input[type=text]").value = value;
    }
  }

  function isEmpty(response) {
    if (typeof response === "string") { return !response.trim(); }
    return !response.some(function (v) { return v !== ""; });
  }

  /* verdict: correct | partly | incorrect | essay | unanswered */
  function evaluate(key, response) {
    var fb = [], score = 0, verdict = "incorrect";
    if (isEmpty(response)) { return { verdict: "unanswered", score: 0, feedback: [] }; }
    if (key.type === "single" || key.type === "multiple") {
      var chosen = response.map(Number);
      chosen.forEach(function (i) { if (key.feedback[i]) { fb.push(key.feedback[i]); } });
      var right = chosen.filter(function (i) { return key.correct.indexOf(i) >= 0; }).length;
      var wrong = chosen.length - right;
      if (right === key.correct.length && wrong === 0) { verdict = "correct"; score = key.points; }
      else if (key.type === "multiple" && right > wrong) {
        verdict = "partly";
        score = key.points * (right - wrong) / key.correct.length;
      }
    } else if (key.type === "truefalse") {
      var saidTrue = response[0] === "true";
      fb.push(saidTrue ? key.feedback_true : key.feedback_false);
      if (saidTrue === key.answer) { verdict = "correct"; score = key.points; }
    } else if (key.type === "short" || key.type === "numerical") {
      var ok;
      if (key.type === "short") {
        var given = fold(response, key.case_sensitive, key.accent_sensitive);
        ok = key.accepted.some(function (a) { return fold(a, key.case_sensitive, key.accent_sensitive) === given; });
      } else {
        var number = Number(response.trim().replace(",", "."));
        ok = !isNaN(number) && Math.abs(number - key.answer) <= key.tolerance + 1e-9;
      }
      fb.push(ok ? key.feedback_correct : key.feedback_incorrect);
      if (ok) { verdict = "correct"; score = key.points; }
    } else if (key.type === "matching") {
      var matched = response.filter(function (v, i) { return v !== "" && Number(v) === key.pairs[i]; }).length;
      if (matched === key.pairs.length) { verdict = "correct"; score = key.points; }
      else if (matched > 0) { verdict = "partly"; score = key.points * matched / key.pairs.length; }
      fb.push(verdict === "correct" ? key.feedback_correct : key.feedback_incorrect);
    } else if (key.type === "essay") {
      verdict = "essay";
    }
    if (key.general) { fb.push(key.general); }
    return { verdict: verdict, score: score, feedback: fb };
  }

  function show(form, result) {
    var out = form.querySelector(".feedback");
    out.textContent = "";
    out.className = "feedback";
    var labels = { correct: scoreNode.dataset.correct, incorrect: scoreNode.dataset.incorrect,
      partly: scoreNode.dataset.partly, essay: scoreNode.dataset.essay, unanswered: scoreNode.dataset.unanswered };
    out.classList.add(result.verdict === "correct" ? "is-correct" :
      (result.verdict === "essay" || result.verdict === "unanswered") ? "is-neutral" : "is-incorrect");
    var head = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = labels[result.verdict];
    head.appendChild(strong);
    out.appendChild(head);
    result.feedback.forEach(function (html) { out.appendChild(paragraph(html)); });
  }

  function gradedIds() {
    return Object.keys(data.questions).filter(function (id) { return data.questions[id].type !== "essay"; });
  }

  function summary() {
    var total = 0, score = 0;
    gradedIds().forEach(function (id) { total += data.questions[id].points; score += results[id] || 0; });
    var percent = total ? Math.round(100 * score / total) : 0;
    return { score: Math.round(score * 100) / 100, total: total, percent: percent, passed: percent >= data.passMark };
  }

  /* In a package, whether the score has gone to the LMS (only "Submit all answers" sends it). */
  var recorded = false;

  function showScore() {
    var s = summary();
    var record = recorded ? scoreNode.dataset.recorded : scoreNode.dataset.unrecorded;
    scoreNode.textContent = scoreNode.dataset.score.replace("{score}", String(s.score))
      .replace("{total}", String(s.total)).replace("{percent}", String(s.percent)) + " " +
      (s.passed ? scoreNode.dataset.passed : scoreNode.dataset.notPassed) +
      (record ? " " + record : "");
  }

  function check(form) {
    var key = data.questions[form.dataset.qid];
    var response = responseOf(form, key);
    var result = evaluate(key, response);
    show(form, result);
    if (key.type !== "essay") { results[form.dataset.qid] = result.score; }
    return { id: form.dataset.qid, type: key.type, outcome: key.outcome, points: key.points,
      response: response, verdict: result.verdict, score: result.score,
      latencyMs: started[form.dataset.qid] ? Date.now() - started[form.dataset.qid] : 0 };
  }

  forms.forEach(function (form) {
    form.addEventListener("focusin", function () {
      if (!started[form.dataset.qid]) { started[form.dataset.qid] = Date.now(); }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      check(form);
      if (gradedIds().every(function (id) { return id in results; })) { showScore(); }
    });
  });

  var submit = document.getElementById("quiz-submit");
  if (submit) {
    submit.addEventListener("click", function () {
      var items = forms.map(check);
      recorded = true;
      showScore();
      var detail = summary();
      detail.items = items;
      detail.passMark = data.passMark;
      document.dispatchEvent(new CustomEvent("e4j:quiz-submitted", { detail: detail }));
    });
  }

  window.E4JQuiz = {
    questions: data.questions,
    passMark: data.passMark,
    /* answers by question id, for suspend data */
    getState: function () {
      var state = {};
      forms.forEach(function (form) {
        var response = responseOf(form, data.questions[form.dataset.qid]);
        if (!isEmpty(response)) { state[form.dataset.qid] = response; }
      });
      return state;
    },
    setState: function (state) {
      forms.forEach(function (form) {
        restoreResponse(form, data.questions[form.dataset.qid], state[form.dataset.qid]);
      });
    }
  };
}());
