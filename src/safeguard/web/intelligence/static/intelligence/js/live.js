// The live picture brings itself up to date (CSP: no inline script): every
// data-refresh-seconds while the page is shown, it fetches its figures again as a
// fragment of the page (intelligence:live_update) and puts them in place, keeping the
// chart's figures open if they were. The server counts these fetches neither as a look
// (the page was recorded) nor as activity: when the session has ended the fetch gets the
// sign-in page, and the page reloads to it.
(function () {
  "use strict";
  var box = document.getElementById("live-picture");
  if (!box) { return; }
  var url = box.getAttribute("data-update-url");
  var seconds = parseInt(box.getAttribute("data-refresh-seconds"), 10) || 60;

  function update() {
    if (document.visibilityState !== "visible") { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" }, redirect: "manual" })
      .then(function (response) {
        if (!response.ok || response.type === "opaqueredirect") { throw new Error("signed out"); }
        return response.text();
      })
      .then(function (html) {
        var details = document.getElementById("chart-figures");
        var open = Boolean(details && details.open);
        box.innerHTML = html;
        var again = document.getElementById("chart-figures");
        if (again) { again.open = open; }
      })
      .catch(function () { window.location.reload(); });
  }
  window.setInterval(update, seconds * 1000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { update(); }
  });
})();
