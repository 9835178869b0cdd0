// Idle screens: the server signs a session out after the idle timeout, but a page left
// open would still show what it showed. The server's clock restarts only with a request,
// that is with a page load, so a few seconds after its limit this page loads itself
// again: the server answers with the sign-in page, and the record leaves the screen.
(function () {
  "use strict";
  var body = document.body;
  var seconds = parseInt(body.getAttribute("data-idle-seconds") || "0", 10);
  var url = body.getAttribute("data-idle-url") || "/";
  if (seconds > 0) {
    window.setTimeout(function () { window.location.assign(url); }, (seconds + 5) * 1000);
  }
})();
