// Live progress of a triage job: polls the job's JSON every second (CSP: no inline
// script) and reloads the page once the job has finished, to show its results.
// The server does not count these polls as activity, so the idle timeout still applies:
// when the session has ended the poll gets the sign-in page, and this page reloads to it.
(function () {
  "use strict";
  var panel = document.getElementById("progress");
  if (!panel || panel.getAttribute("data-finished") === "true") { return; }
  var url = panel.getAttribute("data-url");
  function set(id, text) {
    var element = document.getElementById(id);
    if (element) { element.textContent = text; }
  }
  function show(data) {
    var status = document.getElementById("job-status");
    if (status) {
      status.textContent = data.status_label;
      status.className = "status-" + data.status;
    }
    set("job-stage", data.stage_label);
    set("job-files", String(data.files));
    set("job-mb", String(data.mb));
    set("job-mb-total", data.mb_total === null ? "" : " of " + data.mb_total + " MB");
    set("job-rate-files", String(data.files_per_second));
    set("job-rate-mb", String(data.mb_per_second));
    set("job-elapsed", data.elapsed_seconds === null ? "—" : String(data.elapsed_seconds));
    set("job-error", data.error || "");
    var bar = document.getElementById("job-bar");
    if (bar && data.bytes_total) {
      bar.max = data.bytes_total;
      bar.value = Math.min(data.bytes, data.bytes_total);
    }
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || type.indexOf("application/json") !== 0) {
          throw new Error("signed out");
        }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.finished) {
          window.location.assign(data.url);
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(function () { window.location.reload(); }, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
