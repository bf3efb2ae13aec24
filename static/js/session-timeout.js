// Idle sign-out warning for staff pages. The server signs the session out after
// SESSION_IDLE_TIMEOUT seconds without activity (accounts/middleware.py); this script
// only warns a minute before and offers "Stay signed in". Background polls (requests
// sent with the header X-Background-Poll: 1) are not activity, on the server or here.
(function () {
  "use strict";
  var dialog = document.getElementById("session-timeout");
  if (!dialog) { return; }
  var idleMs = parseInt(dialog.dataset.idleSeconds, 10) * 1000;
  var warnMs = parseInt(dialog.dataset.warnSeconds, 10) * 1000;
  if (!(idleMs > 0)) { return; }
  var warnTimer = null;
  var expireTimer = null;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  // Reload rather than jump to the sign-in page: if the server has signed the
  // session out, the page itself redirects to sign-in (and back here afterwards);
  // if the user was active in another tab, they simply stay.
  function goToLogin() {
    if (!leaving) { window.location.reload(); }
  }

  // A signed-out poll answers with HX-Redirect to the sign-in page, which shows why
  // (and so uses up the reason). Another poll or this page's own timer arriving just
  // after would load the sign-in page a second time, without it: only the first goes.
  var leaving = false;
  document.body.addEventListener("htmx:beforeOnLoad", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (!xhr || !xhr.getResponseHeader("HX-Redirect")) { return; }
    if (leaving) {
      event.preventDefault();
      return;
    }
    leaving = true;
    window.clearTimeout(warnTimer);
    window.clearTimeout(expireTimer);
  });

  function closeDialog() {
    if (dialog.open) { dialog.close(); }
  }

  function showWarning() {
    if (typeof dialog.showModal === "function") {
      if (!dialog.open) { dialog.showModal(); }
    } else {
      dialog.setAttribute("open", "");
    }
    var stay = dialog.querySelector("[data-session-action=stay]");
    if (stay) { stay.focus(); }
  }

  function restart() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(expireTimer);
    warnTimer = window.setTimeout(showWarning, Math.max(idleMs - warnMs, 0));
    // A little after the server's deadline, so the server has already signed out.
    expireTimer = window.setTimeout(goToLogin, idleMs + 2000);
  }

  function stayActive() {
    fetch(dialog.dataset.keepaliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      if (response.ok) {
        closeDialog();
        restart();
      } else {
        goToLogin();
      }
    }).catch(function () {
      // Network trouble: keep the warning open so the user can try again.
    });
  }

  dialog.addEventListener("click", function (event) {
    if (event.target.closest("[data-session-action=stay]")) { stayActive(); }
  });
  dialog.addEventListener("cancel", function (event) {
    // Escape means "I am here": same as Stay signed in.
    event.preventDefault();
    stayActive();
  });

  // An htmx request the user caused counts as activity on the server, so restart
  // the clock here too; background polls do not.
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var headers = (event.detail && event.detail.requestConfig && event.detail.requestConfig.headers) || {};
    if (headers["X-Background-Poll"] !== "1" && event.detail.successful) {
      restart();
    }
  });

  restart();
})();
