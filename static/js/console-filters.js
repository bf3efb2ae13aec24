// Queue filters: folded on a phone so the cases come first, open on a wide screen.
// Without JavaScript they stay folded (open when a filter is in use): still one tap away.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.matchMedia("(min-width: 48em)").matches) { return; }
    document.querySelectorAll("details[data-open-wide]").forEach(function (box) {
      box.open = true;
    });
  });
})();
