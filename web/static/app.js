// procflow web desk: enhancements only. Every page works without this file; it adds the
// deadlines counting down, the "now" button of date-time questions, and keeps htmx quiet.
(function () {
  "use strict";

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function span(seconds) {
    seconds = Math.floor(Math.abs(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    if (h) { return h + "h " + two(m) + "m"; }
    if (m) { return m + "m " + two(s) + "s"; }
    return s + "s";
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("time.countdown").forEach(function (el) {
      var due = Date.parse(el.getAttribute("datetime"));
      if (isNaN(due)) { return; }
      var left = (due - now) / 1000;
      var late = left < 0;
      el.textContent = "(" + (late ? el.dataset.late + " " + span(left) : span(left) + " " + el.dataset.left) + ")";
      el.classList.toggle("late", late);
      var row = el.closest("li");
      if (row) { row.classList.toggle("passed", late); }
    });
  }

  function localNow() {
    var d = new Date();
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate()) + "T" + two(d.getHours()) + ":" + two(d.getMinutes());
  }

  function setUp(root) {
    root.querySelectorAll("button.now[data-for]").forEach(function (button) {
      button.hidden = false;
      if (button.dataset.ready) { return; }
      button.dataset.ready = "1";
      button.addEventListener("click", function () {
        var input = document.getElementById(button.dataset.for);
        if (!input) { return; }
        input.value = localNow();
        input.dispatchEvent(new Event("change", { bubbles: true }));
        input.focus();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.classList.add("js");
    setUp(document);
    tick();
    window.setInterval(tick, 1000);
  });
  document.addEventListener("htmx:afterSwap", function (event) { setUp(event.target); tick(); });
})();
