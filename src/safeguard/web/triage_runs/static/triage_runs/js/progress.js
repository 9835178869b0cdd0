// Live progress of a triage job: polls the job's JSON every second (CSP: no inline
// script) and reloads the page once the job has finished, to show its results. The JSON
// carries each figure as the page writes it (views/jobs.py, progress_data): the share
// read and the time left when the engine knows the evidence's size, else a moving bar.
// The server does not count these polls as activity, so the idle timeout still applies:
// when the session has ended the poll gets the sign-in page, and this page reloads to it.
(function () {
  "use strict";
  var panel = document.getElementById("progress");
  if (!panel || panel.getAttribute("data-finished") === "true") { return; }
  var url = panel.getAttribute("data-url");
  function set(id, text) {
    var element = document.getElementById(id);
    if (element && element.textContent !== text) { element.textContent = text; }
  }
  function show(data) {
    var status = document.getElementById("job-status");
    if (status) {
      status.textContent = data.status_label;
      status.className = "status-" + data.status;
    }
    set("job-stage", data.stage_label);
    set("job-files", String(data.files));
    set("job-read", data.read);
    set("job-rate", data.rate);
    set("job-elapsed", data.elapsed);
    set("job-examined-by", data.examined_by);
    set("job-remaining", data.remaining);
    set("job-error", data.error || "");
    set("job-percent", data.percent === null ? "" : data.percent + "%");
    var bar = document.getElementById("job-bar");
    if (bar) {
      if (data.percent === null) { bar.removeAttribute("value"); } else { bar.value = data.percent; }
    }
    var folder = document.getElementById("job-out-dir");
    if (folder && data.out_dir && folder.textContent !== data.out_dir) {
      var code = document.createElement("code");
      code.textContent = data.out_dir;
      folder.replaceChildren(code);
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
