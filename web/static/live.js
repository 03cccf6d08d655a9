// procflow web desk: live updates by server-sent events. An element with data-live="URL" gets
// what the server sends (event "desk": its new HTML) in place, without a reload. Without this
// file (or JavaScript) the page is the same, as of when it was loaded.
(function () {
  "use strict";

  function connect(el) {
    if (!window.EventSource) { return; }
    var source = new EventSource(el.dataset.live);
    source.addEventListener(el.dataset.liveEvent || "desk", function (event) {
      el.innerHTML = event.data;
      el.dataset.updated = String(Date.now());
      if (window.htmx) { window.htmx.process(el); }
      el.dispatchEvent(new CustomEvent("procflow:live", { bubbles: true }));
    });
    // the session ended (signed out elsewhere, or idle too long): stop asking
    source.addEventListener("ended", function () { source.close(); });
    window.addEventListener("pagehide", function () { source.close(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-live]").forEach(connect);
  });
})();
