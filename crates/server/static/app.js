// Flow HQ's live parts, without a framework. An element with
// data-live-url is polled every two seconds for {key, qr_svg}: when the QR
// code rotates, the image is swapped in place; when the key (tenant status,
// session and worker state) changes, the page's <main> is fetched again and
// replaced, so a tenant turning ACTIVE shows without a reload.
(function () {
  "use strict";
  var PERIOD_MS = 2000;

  function live() {
    return document.querySelector("[data-live-url]");
  }

  function refreshMain() {
    return fetch(window.location.href, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("main");
        var current = document.querySelector("main");
        if (fresh && current) {
          current.replaceWith(fresh);
          var status = document.getElementById("live-announce");
          if (status) { status.textContent = "Page updated."; }
        }
      });
  }

  function tick() {
    var el = live();
    if (!el) { return; }
    fetch(el.getAttribute("data-live-url"), {
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        if (data.key !== el.getAttribute("data-live-key")) {
          return refreshMain();
        }
        var qr = document.querySelector("[data-live-qr]");
        if (qr && data.qr !== qr.getAttribute("data-live-qr")) {
          qr.setAttribute("data-live-qr", data.qr || "");
          // The SVG is made by the server from the code's text.
          qr.innerHTML = data.qr_svg || "";
        }
      })
      .catch(function () { /* the next tick tries again */ })
      .then(function () { window.setTimeout(tick, PERIOD_MS); });
  }

  // Confirm buttons that stop things.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  if (live()) { window.setTimeout(tick, PERIOD_MS); }
})();

// Preselect the browser's own time zone in an empty time-zone picker.
(function () {
  var select = document.querySelector("select[data-guess-timezone]");
  if (!select || select.value || select.disabled || !window.Intl) { return; }
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  for (var i = 0; i < select.options.length; i++) {
    if (select.options[i].value === zone) { select.value = zone; break; }
  }
})();
