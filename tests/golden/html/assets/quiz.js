/* Self-check quizzes of the E4J HTML edition: plain JavaScript, no network, no storage. */
(function () {
  "use strict";
  var dataNode = document.getElementById("quiz-data");
  if (!dataNode) { return; }
  var data = JSON.parse(dataNode.textContent);
  var scoreNode = document.querySelector(".quiz-score");
  var results = {};

  function fold(text, caseSensitive, accentSensitive) {
    var out = String(text).trim().replace(/\s+/g, " ");
    if (!accentSensitive) { out = out.normalize("NFD").replace(/[\u0300-\u036f]/g, ""); }
    if (!caseSensitive) { out = out.toLocaleLowerCase(); }
    return out;
  }

  function paragraph(html, className) {
    var p = document.createElement("p");
    if (className) { p.className = className; }
    p.innerHTML = html; /* built by e4j from escaped Markdown, never from learner input */
    return p;
  }

  function checked(form) {
    return Array.prototype.filter.call(form.querySelectorAll("input[type=radio], input[type=checkbox]"),
      function (input) { return input.checked; }).map(function (input) { return input.value; });
  }

  function evaluate(form, key) {
    var fb = [], score = 0, verdict = "incorrect";
    if (key.type === "single" || key.type === "multiple") {
      var chosen = checked(form).map(Number);
      if (!chosen.length) { return null; }
      chosen.forEach(function (i) { if (key.feedback[i]) { fb.push(key.feedback[i]); } });
      var right = chosen.filter(function (i) { return key.correct.indexOf(i) >= 0; }).length;
      var wrong = chosen.length - right;
      if (right === key.correct.length && wrong === 0) { verdict = "correct"; score = key.points; }
      else if (key.type === "multiple" && right > 0) {
        verdict = "partly";
        score = Math.max(0, key.points * (right - wrong) / key.correct.length);
      }
    } else if (key.type === "truefalse") {
      var value = checked(form)[0];
      if (value === undefined) { return null; }
      var saidTrue = value === "true";
      fb.push(saidTrue ? key.feedback_true : key.feedback_false);
      if (saidTrue === key.answer) { verdict = "correct"; score = key.points; }
    } else if (key.type === "short" || key.type === "numerical") {
      var raw = form.querySelector("input[type=text]").value;
      if (!raw.trim()) { return null; }
      var ok;
      if (key.type === "short") {
        var given = fold(raw, key.case_sensitive, key.accent_sensitive);
        ok = key.accepted.some(function (a) { return fold(a, key.case_sensitive, key.accent_sensitive) === given; });
      } else {
        var number = Number(raw.trim().replace(",", "."));
        ok = !isNaN(number) && Math.abs(number - key.answer) <= key.tolerance + 1e-9;
      }
      fb.push(ok ? key.feedback_correct : key.feedback_incorrect);
      if (ok) { verdict = "correct"; score = key.points; }
    } else if (key.type === "matching") {
      var selects = form.querySelectorAll("select");
      var matched = 0, answered = 0;
      Array.prototype.forEach.call(selects, function (select, i) {
        if (select.value !== "") { answered += 1; }
        if (Number(select.value) === key.pairs[i] && select.value !== "") { matched += 1; }
      });
      if (!answered) { return null; }
      if (matched === selects.length) { verdict = "correct"; score = key.points; }
      else if (matched > 0) { verdict = "partly"; score = key.points * matched / selects.length; }
      fb.push(verdict === "correct" ? key.feedback_correct : key.feedback_incorrect);
    } else if (key.type === "essay") {
      if (!form.querySelector("textarea").value.trim()) { return null; }
      verdict = "essay";
    }
    if (key.general) { fb.push(key.general); }
    return { verdict: verdict, score: score, feedback: fb };
  }

  function updateScore() {
    var total = 0, score = 0;
    Object.keys(data.questions).forEach(function (id) {
      if (data.questions[id].type !== "essay") { total += data.questions[id].points; }
    });
    Object.keys(results).forEach(function (id) { score += results[id]; });
    var percent = total ? Math.round(100 * score / total) : 0;
    var done = Object.keys(results).length;
    var auto = Object.keys(data.questions).filter(function (id) { return data.questions[id].type !== "essay"; }).length;
    if (done < auto) { return; }
    scoreNode.textContent = scoreNode.dataset.score
      .replace("{score}", String(Math.round(score * 100) / 100))
      .replace("{total}", String(total)).replace("{percent}", String(percent)) + " " +
      (percent >= data.passMark ? scoreNode.dataset.passed : scoreNode.dataset.notPassed);
  }

  Array.prototype.forEach.call(document.querySelectorAll("form.question"), function (form) {
    var key = data.questions[form.dataset.qid];
    var out = form.querySelector(".feedback");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var result = evaluate(form, key);
      out.textContent = "";
      out.className = "feedback";
      if (!result) { return; }
      var labels = { correct: scoreNode.dataset.correct, incorrect: scoreNode.dataset.incorrect,
        partly: scoreNode.dataset.partly, essay: scoreNode.dataset.essay };
      out.classList.add(result.verdict === "correct" ? "is-correct" : result.verdict === "essay" ? "is-essay" : "is-incorrect");
      var head = document.createElement("p");
      var strong = document.createElement("strong");
      strong.textContent = labels[result.verdict];
      head.appendChild(strong);
      out.appendChild(head);
      result.feedback.forEach(function (html) { out.appendChild(paragraph(html)); });
      if (key.type !== "essay") { results[form.dataset.qid] = result.score; updateScore(); }
    });
  });
}());
