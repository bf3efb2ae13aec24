// In-console crisis alert: plays a sound when the polled alert list (htmx, every few
// seconds, sent with "X-Background-Poll: 1" so it never counts as activity for idle
// logout) brings a new crisis page. Browsers block sound until the user has interacted
// with the page, so a button offers to turn it on when playing is refused.
(function () {
  "use strict";
  var box = document.getElementById("paging-alerts");
  if (!box) { return; }
  var sound = new Audio(box.getAttribute("data-sound"));
  var hint = document.querySelector("[data-paging-sound-hint]");
  var enable = document.querySelector("[data-paging-enable-sound]");

  function play() {
    var attempt = sound.play();
    if (attempt && typeof attempt.catch === "function") {
      attempt.catch(function () { if (hint) { hint.hidden = false; } });
    }
  }

  if (enable) {
    enable.addEventListener("click", function () {
      sound.play().then(function () { if (hint) { hint.hidden = true; } }).catch(function () {});
    });
  }

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.target === box && box.querySelector("[data-paging-new]")) {
      play();
      document.title = "\u26A0 " + document.title.replace(/^\u26A0 /, "");
    } else if (event.target === box && !box.querySelector(".paging-alert")) {
      document.title = document.title.replace(/^\u26A0 /, "");
    }
  });
})();
