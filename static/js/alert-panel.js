// The console's alert panel: collapse, mute, and the alert sound.
// The list refreshes itself (htmx polls every second; the server answers 204 while
// nothing changed). This script plays the sound when a page not heard yet is ringing:
// only after the nurse's first interaction with the page (browsers refuse sound
// before that, and we never ask early, so there is no autoplay error), on by
// default, muted with the visible toggle (remembered in localStorage).
(function () {
  "use strict";
  var panel = document.getElementById("alert-panel");
  if (!panel) { return; }
  var toggle = document.getElementById("alert-panel-toggle");
  var body = document.getElementById("alert-panel-body");
  var mute = document.getElementById("alert-sound-toggle");
  var MUTE_KEY = "triage.alertSound.muted";
  var HEARD_KEY = "triage.alertSound.heard";
  var sound = null;
  var interacted = false;
  var pending = false;

  function store(kind) {
    try { return window[kind]; } catch (e) { return null; }
  }

  function isMuted() {
    var local = store("localStorage");
    return !!(local && local.getItem(MUTE_KEY) === "1");
  }

  function showMute() {
    mute.setAttribute("aria-pressed", isMuted() ? "true" : "false");
  }

  function heard() {
    var session = store("sessionStorage");
    try { return JSON.parse((session && session.getItem(HEARD_KEY)) || "[]"); } catch (e) { return []; }
  }

  function remember(ids) {
    var session = store("sessionStorage");
    if (session) { session.setItem(HEARD_KEY, JSON.stringify(ids.slice(-200))); }
  }

  function play() {
    pending = false;
    if (isMuted()) { return; }
    if (!sound) { sound = new Audio(panel.getAttribute("data-sound")); }
    var attempt = sound.play();
    if (attempt && typeof attempt.catch === "function") { attempt.catch(function () {}); }
  }

  function ringing() {
    return Array.prototype.map.call(
      document.querySelectorAll("#alert-panel-list [data-ringing]"),
      function (el) { return el.getAttribute("data-page-id"); }
    );
  }

  function check() {
    var ids = ringing();
    var known = heard();
    var fresh = ids.filter(function (id) { return known.indexOf(id) === -1; });
    document.title = (ids.length ? "\u26A0 " : "") + document.title.replace(/^\u26A0 /, "");
    if (!fresh.length) { return; }
    remember(known.concat(fresh));
    if (interacted) { play(); } else { pending = true; }
  }

  function firstInteraction() {
    if (interacted) { return; }
    interacted = true;
    if (pending) { play(); }
  }

  ["pointerdown", "keydown", "touchstart"].forEach(function (name) {
    document.addEventListener(name, firstInteraction, { capture: true, passive: true });
  });

  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    body.hidden = !open;
  });

  mute.addEventListener("click", function () {
    var local = store("localStorage");
    if (local) { local.setItem(MUTE_KEY, isMuted() ? "0" : "1"); }
    showMute();
    if (isMuted() && sound) { sound.pause(); }
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.target && event.target.id === "alert-panel-list") { check(); }
  });

  showMute();
  check();
})();
