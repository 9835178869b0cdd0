// The review screens: keyboard grading and the welfare tools (docs/review.md).
//
// - Previews arrive blurred and greyscale from the server; R or Space asks the server for
//   one item unblurred. Only one item is ever revealed: revealing another, moving on,
//   grading, hiding or a break reminder removes the revealed picture from the page.
// - Videos show a poster frame; P asks for a sheet of frames. Nothing plays by itself.
// - Esc or H hides everything at once (and the button does the same).
// - The viewing-time clock counts the seconds a review page is visible and not hidden,
//   kept in the browser's storage for this sign-in; every N minutes (the reviewer's
//   preference) a reminder to take a break covers the page until dismissed.
// Pages work without this script (the card's buttons post a grade; "Reveal" links).
(function () {
  "use strict";
  var root = document.getElementById("review");
  if (!root) { return; }
  var cards = Array.prototype.slice.call(root.querySelectorAll(".review-card"));
  var cover = document.getElementById("cover");
  var coverTitle = document.getElementById("cover-title");
  var coverText = document.getElementById("cover-text");
  var breakBox = document.getElementById("break");
  var statusLine = document.getElementById("review-status");
  var armedNote = document.getElementById("group-armed");
  var help = document.getElementById("review-help");
  var tokenInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  var csrf = tokenInput ? tokenInput.value : "";
  var current = -1;
  var revealedCard = null;
  var groupArmed = false;

  function say(text) { if (statusLine) { statusLine.textContent = text; } }

  // ---------------------------------------------------------------- revealing

  // The card's link says what it will do next: "Reveal", or "Hide" while revealed.
  function labelLink(card, revealed) {
    var link = card.querySelector(".reveal-link");
    if (!link) { return; }
    link.textContent = revealed ? "Hide" : "Reveal";
    link.setAttribute("aria-expanded", revealed ? "true" : "false");
  }

  function conceal(card) {
    var shown = card.querySelectorAll("img.revealed");
    for (var i = 0; i < shown.length; i++) { shown[i].remove(); }
    card.classList.remove("is-revealed");
    labelLink(card, false);
    if (revealedCard === card) { revealedCard = null; }
  }

  function concealAll() {
    for (var i = 0; i < cards.length; i++) { conceal(cards[i]); }
  }

  function reveal(card, kind) {
    var url = card.getAttribute(kind === "frames" ? "data-frames-url" : "data-revealed-url");
    if (!url) { say("Frames are for videos."); return; }
    concealAll();
    var img = document.createElement("img");
    img.className = "revealed";
    img.alt = kind === "frames" ? "Frames of the video" : "Revealed item";
    img.src = url;
    card.querySelector(".preview").appendChild(img);
    card.classList.add("is-revealed");
    labelLink(card, true);
    revealedCard = card;
  }

  // ----------------------------------------------------------------- moving

  function focusCard(index) {
    if (!cards.length) { return; }
    index = Math.max(0, Math.min(cards.length - 1, index));
    if (current >= 0 && cards[current]) { cards[current].classList.remove("current"); }
    if (revealedCard && revealedCard !== cards[index]) { conceal(revealedCard); }
    current = index;
    cards[current].classList.add("current");
    cards[current].focus();
  }

  function columns() {
    if (cards.length < 2) { return 1; }
    var top = cards[0].offsetTop;
    var n = 0;
    while (n < cards.length && cards[n].offsetTop === top) { n++; }
    return Math.max(n, 1);
  }

  function next() {
    if (current >= cards.length - 1) {
      var more = document.getElementById("next-page");
      say(more ? "End of this page: Next › for more." : "End of the queue.");
      return;
    }
    focusCard(current + 1);
  }

  // ---------------------------------------------------------------- grading

  function arm(on) {
    groupArmed = on;
    if (armedNote) { armedNote.hidden = !on; }
  }

  function grade(card, category) {
    var scope = groupArmed ? "group" : "item";
    arm(false);
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrf);
    body.append("category", category);
    body.append("scope", scope);
    say("Grading…");
    fetch(card.getAttribute("data-grade-url"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      var data = result.data;
      if (!result.ok) { say(data.error || "Not graded."); return; }
      card.querySelector(".grade-status").textContent = "Your grade: " + data.mine + ". " + data.agreement;
      card.classList.add("graded");
      if (data.final) { card.classList.add("final"); }
      else if (data.disputed) { card.classList.add("disputed"); }
      var box = document.getElementById("review-counts-box");
      if (box && data.counts_html) { box.innerHTML = data.counts_html; }
      say(data.message);
      conceal(card);
      next();
    }).catch(function () {
      say("Not graded: no answer from the server (signed out?). Reload the page.");
    });
  }

  // ------------------------------------------------------------ hiding, breaks

  function hideAll(title, text) {
    concealAll();
    arm(false);
    document.body.classList.add("review-hidden");
    coverTitle.textContent = title || "Hidden";
    coverText.textContent = text || "Nothing is on screen. Take the time you need.";
    cover.hidden = false;
    document.getElementById("resume").focus();
  }

  function resume() {
    cover.hidden = true;
    document.body.classList.remove("review-hidden");
    if (current >= 0) { cards[current].focus(); }
  }

  var storageKey = "safeguard.review.exposure." + (root.getAttribute("data-exposure-key") || "");
  var breakSeconds = Math.max(parseInt(root.getAttribute("data-break-minutes") || "20", 10), 1) * 60;
  var memory = { seconds: 0, nextBreak: breakSeconds };

  function load() {
    try {
      var stored = JSON.parse(window.localStorage.getItem(storageKey) || "null");
      if (stored && typeof stored.seconds === "number") { return stored; }
    } catch (ignored) { /* storage off: keep the clock in this page */ }
    return memory;
  }

  function save(state) {
    memory = state;
    try { window.localStorage.setItem(storageKey, JSON.stringify(state)); } catch (ignored) { /* in memory */ }
  }

  function forgetOtherSignIns() {
    try {
      for (var i = window.localStorage.length - 1; i >= 0; i--) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf("safeguard.review.exposure.") === 0 && key !== storageKey) {
          window.localStorage.removeItem(key);
        }
      }
    } catch (ignored) { /* nothing stored */ }
  }

  function clock(seconds) {
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    var mm = h ? (m < 10 ? "0" : "") + m : String(m);
    return (h ? h + ":" : "") + mm + ":" + (s < 10 ? "0" : "") + s;
  }

  function showBreak(state) {
    concealAll();
    document.getElementById("break-minutes").textContent = String(Math.round(state.seconds / 60));
    breakBox.hidden = false;
    document.getElementById("dismiss-break").focus();
  }

  function endBreakReminder() {
    var state = load();
    state.nextBreak = state.seconds + breakSeconds;
    save(state);
    breakBox.hidden = true;
  }

  function tick() {
    var state = load();
    if (!state.nextBreak || state.nextBreak < breakSeconds) { state.nextBreak = breakSeconds; }
    var viewing = document.visibilityState === "visible" && cover.hidden && breakBox.hidden;
    if (viewing) { state.seconds += 1; }
    save(state);
    document.getElementById("exposure-time").textContent = clock(state.seconds);
    if (viewing && state.seconds >= state.nextBreak) { showBreak(state); }
  }

  // ------------------------------------------------------------------- keys

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) { return; }
    var key = event.key;
    if (key === "Escape" || key === "h" || key === "H") {
      event.preventDefault();
      if (cover.hidden) { hideAll(); }
      return;
    }
    if (!cover.hidden || !breakBox.hidden) { return; }
    if (current < 0 && cards.length && /^(Arrow|[abcnsgrpoABCNSGRPO ]$)/.test(key)) {
      focusCard(0);
      if (key.indexOf("Arrow") === 0) { event.preventDefault(); return; }
    }
    var card = cards[current];
    switch (key) {
      case "ArrowRight": event.preventDefault(); focusCard(current + 1); return;
      case "ArrowLeft": event.preventDefault(); focusCard(current - 1); return;
      case "ArrowDown": event.preventDefault(); focusCard(current + columns()); return;
      case "ArrowUp": event.preventDefault(); focusCard(current - columns()); return;
      case "?": help.hidden = !help.hidden; return;
    }
    if (!card) { return; }
    switch (key.toLowerCase()) {
      case "a": case "b": case "c": case "n":
        event.preventDefault(); grade(card, key.toUpperCase()); return;
      case "g":
        event.preventDefault(); arm(!groupArmed);
        say(groupArmed ? "Whole group: now press A, B, C or N (G again to cancel)." : "Group grading cancelled.");
        return;
      case "s": event.preventDefault(); arm(false); next(); return;
      case "r": case " ":
        event.preventDefault();
        if (card === revealedCard) { conceal(card); } else { reveal(card, "revealed"); }
        return;
      case "p":
        event.preventDefault();
        if (card === revealedCard) { conceal(card); } else { reveal(card, "frames"); }
        return;
      case "o": event.preventDefault(); window.location.assign(card.getAttribute("data-group-url")); return;
    }
  }

  // ------------------------------------------------------------------ wiring

  cards.forEach(function (card, index) {
    card.addEventListener("focus", function () {
      if (current !== index) { focusCard(index); }
    });
    var link = card.querySelector(".reveal-link");
    if (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        focusCard(index);
        if (card === revealedCard) { conceal(card); } else { reveal(card, "revealed"); }
      });
    }
    var form = card.querySelector(".grade-form");
    if (form) {
      form.addEventListener("submit", function (event) {
        var button = event.submitter;
        if (!button || !button.value) { return; }
        event.preventDefault();
        var scope = form.querySelector("input[name=scope]");
        arm(Boolean(scope && scope.checked));
        focusCard(index);
        grade(card, button.value);
      });
    }
    var preset = card.querySelector("img.revealed");
    if (preset) { revealedCard = card; }
  });
  document.getElementById("hide-all").addEventListener("click", function () { hideAll(); });
  document.getElementById("resume").addEventListener("click", resume);
  document.getElementById("show-help").addEventListener("click", function () { help.hidden = !help.hidden; });
  document.getElementById("dismiss-break").addEventListener("click", endBreakReminder);
  document.getElementById("take-break").addEventListener("click", function () {
    endBreakReminder();
    hideAll("On a break", "Everything is hidden. Come back when you are ready.");
  });
  document.addEventListener("keydown", onKey);
  forgetOtherSignIns();
  tick();
  window.setInterval(tick, 1000);
})();
