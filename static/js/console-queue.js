// Nurse console queue: announce new crisis cases that arrive with the background poll.
// The table body refreshes itself (htmx, hx-trigger="every Ns", X-Background-Poll: 1);
// this script only compares what arrived with what was already shown, and speaks up.
(function () {
  "use strict";
  var seenCrisis = null;
  var seenCases = null;

  function rows() {
    var body = document.getElementById("queue-rows");
    return body ? Array.prototype.slice.call(body.querySelectorAll("tr[data-case]")) : [];
  }

  function alertNewCrisis(list) {
    var box = document.getElementById("crisis-alert");
    if (!box || !list.length) { return; }
    box.textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = box.dataset.label || "New crisis case:";
    box.appendChild(strong);
    list.forEach(function (row) {
      var link = document.createElement("a");
      link.href = row.querySelector("a.case-ref").getAttribute("href");
      link.textContent = row.dataset.reference;
      box.appendChild(document.createTextNode(" "));
      box.appendChild(link);
    });
    box.hidden = false;
  }

  function announce(count) {
    var status = document.getElementById("queue-announcer");
    if (!status || !count) { return; }
    var template = count === 1 ? status.dataset.one : status.dataset.many;
    status.textContent = (template || "{count} new case(s) in the queue.").replace("{count}", count);
  }

  function scan() {
    var current = rows();
    var crisisIds = {};
    var caseIds = {};
    var newCrisis = [];
    var newCount = 0;
    current.forEach(function (row) {
      var id = row.dataset["case"];
      caseIds[id] = true;
      if (seenCases && !seenCases[id]) { newCount += 1; }
      if (row.dataset.crisis === "1") {
        crisisIds[id] = true;
        if (seenCrisis && !seenCrisis[id]) { newCrisis.push(row); }
      }
    });
    if (seenCrisis) {
      alertNewCrisis(newCrisis);
      announce(newCount);
    }
    seenCrisis = crisisIds;
    seenCases = caseIds;
  }

  document.addEventListener("DOMContentLoaded", scan);
  document.addEventListener("htmx:load", function (event) {
    if (event.target && event.target.id === "queue-rows") { scan(); }
  });
})();
