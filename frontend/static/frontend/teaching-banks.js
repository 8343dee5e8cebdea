// The question bank pages: "Add another answer" adds a blank row.
// Everything works without it: the forms always carry a few blank rows.
(function () {
  "use strict";

  var rows = document.querySelector("[data-answer-rows]");
  var template = document.getElementById("answer-row-template");
  var button = document.querySelector("[data-add-row]");
  var total = document.getElementById("id_answers-TOTAL_FORMS");
  var maximum = document.getElementById("id_answers-MAX_NUM_FORMS");
  if (!rows || !template || !button || !total) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    if (maximum && index >= parseInt(maximum.value, 10)) {
      button.disabled = true;
      return;
    }
    var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, String(index + 1));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var row = holder.firstElementChild;
    rows.appendChild(row);
    total.value = String(index + 1);
    var first = row.querySelector("input:not([type=hidden]), textarea, select");
    if (first) {
      first.focus();
    }
  });
})();
