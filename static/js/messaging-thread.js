// Patient conversation: after htmx swaps the thread in, move focus where it helps.
// An error: the message box (its text is kept). A crisis: the crisis block, read out
// at once. Otherwise: the newest message, so a screen reader hears the reply.
// Replies that arrive by the poll (patient_live.html) leave focus where it is.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSwap", function (event) {
    // The background poll (a GET) must never move focus: the patient may be typing.
    // What it brings is read out through #conversation-announce instead.
    if (event.detail.requestConfig && event.detail.requestConfig.verb === "get") {
      return;
    }
    var root = document.getElementById("conversation");
    if (!root || !root.contains(event.detail.elt) && event.detail.elt !== root) {
      return;
    }
    var target = root.querySelector("textarea[aria-invalid=true]") ||
      root.querySelector(".conversation-crisis[role=alert]");
    if (!target) {
      var items = root.querySelectorAll(".thread .msg");
      target = items.length ? items[items.length - 1] : null;
      if (target) {
        target.setAttribute("tabindex", "-1");
      }
    }
    if (target) {
      if (!target.hasAttribute("tabindex") && target.tagName !== "TEXTAREA") {
        target.setAttribute("tabindex", "-1");
      }
      target.focus();
    }
  });
})();
