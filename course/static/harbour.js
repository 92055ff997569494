// Comfort only: every task works without this file.
// Quick exit: the link goes through Harbour (/exit logs out, then leaves for a weather page); here it also
// replaces this page in the history, so Back does not return to it.
(function () {
  "use strict";
  function quickExit(url) {
    try { window.open(url, "_self"); } catch (e) { /* fall through */ }
    window.location.replace(url);
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-quick-exit]");
    if (!link) { return; }
    event.preventDefault();
    quickExit(link.href);
  });
  // Pressing Escape twice within a second does the same.
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
  // Move focus to an error summary so screen readers and keyboard users meet it first.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });
})();
