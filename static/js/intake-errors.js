// Intake pages: move keyboard and screen-reader focus to the error summary, if any.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
});
