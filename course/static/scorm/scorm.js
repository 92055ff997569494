/* Harbour's SCORM 1.2 package: talks to the LMS's API (score and completion only), marks the quiz, quick exit.
   Nothing about the pupil is read or kept here: no name, no cookies, no storage, no requests of its own. */
(function () {
  "use strict";

  function findApi(win) {
    for (var hops = 0; win && hops < 12; hops += 1) {
      if (win.API) { return win.API; }
      if (win.parent === win) { break; }
      win = win.parent;
    }
    return null;
  }

  // Quick exit: leave the LMS as well, replacing the page in the history. Escape twice does the same.
  function quickExit(url) {
    try { window.top.location.replace(url); } catch (error) { window.location.replace(url); }
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-quick-exit]");
    if (!link) { return; }
    event.preventDefault();
    quickExit(link.href);
  });
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    if (now - lastEscape < 1000) {
      var link = document.querySelector("[data-quick-exit]");
      if (link) { quickExit(link.href); }
    }
    lastEscape = now;
  });

  var body = document.body;
  if (body.hasAttribute("data-sco")) {
    // index.html is the SCO: it opens and closes the LMS session; the lesson pages load inside it.
    var api = findApi(window.parent !== window ? window.parent : null) || (window.opener && findApi(window.opener));
    var finished = false;
    if (api && String(api.LMSInitialize("")) === "true") {
      var status = String(api.LMSGetValue("cmi.core.lesson_status"));
      if (status === "not attempted" || status === "") { api.LMSSetValue("cmi.core.lesson_status", "incomplete"); }
      api.LMSCommit("");
    } else {
      api = null;
    }
    window.HarbourSco = {
      connected: function () { return api !== null; },
      report: function (score, passed) {
        if (!api) { return false; }
        api.LMSSetValue("cmi.core.score.min", "0");
        api.LMSSetValue("cmi.core.score.max", "100");
        api.LMSSetValue("cmi.core.score.raw", String(score));
        api.LMSSetValue("cmi.core.lesson_status", passed ? "passed" : "failed");
        return String(api.LMSCommit("")) === "true";
      }
    };
    window.addEventListener("pagehide", function () {
      if (api && !finished) { finished = true; api.LMSFinish(""); }
    });
    return;
  }

  var sco = null;
  try { sco = window.parent !== window ? window.parent.HarbourSco : null; } catch (error) { sco = null; }
  if (sco) { body.classList.add("framed"); }

  var quiz = document.querySelector("form[data-quiz]");
  if (!quiz) { return; }
  quiz.addEventListener("submit", function (event) {
    event.preventDefault();
    var questions = quiz.querySelectorAll("[data-question]");
    var missing = [];
    questions.forEach(function (question, index) {
      if (!question.querySelector("input:checked")) { missing.push(String(index + 1)); }
    });
    var missingNote = quiz.querySelector("[data-missing]");
    if (missing.length) {
      quiz.querySelector("[data-missing-list]").textContent = missing.join(", ");
      missingNote.hidden = false;
      document.getElementById("q-" + missing[0]).scrollIntoView();
      return;
    }
    missingNote.hidden = true;
    var right = 0;
    questions.forEach(function (question) {
      var correct = true;
      question.querySelectorAll("input").forEach(function (input) {
        var feedback = input.parentNode.querySelector("[data-feedback]");
        if (input.checked !== input.hasAttribute("data-correct")) { correct = false; }
        feedback.hidden = !input.checked && !input.hasAttribute("data-correct");
      });
      var result = question.querySelector("[data-result]");
      result.textContent = correct ? "✓ Right." : "Not quite: the explanations above say why.";
      result.hidden = false;
      if (correct) { right += 1; }
    });
    // As Harbour marks it: percent of questions right, rounded down.
    var score = Math.floor((100 * right) / questions.length);
    var passed = score >= Number(quiz.getAttribute("data-pass-mark"));
    var saved = sco ? sco.report(score, passed) : false;
    var summary = document.querySelector("[data-summary]");
    summary.textContent = "You got " + right + " of " + questions.length + " right (" + score + "%). " +
      (passed ? "Well done, you passed." : "You can read the explanations and try again.") +
      (saved ? "" : " (Your result was not sent anywhere: open this lesson from your course to have it recorded.)");
    summary.focus();
  });
})();
