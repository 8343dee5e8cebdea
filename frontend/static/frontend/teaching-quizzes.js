// The quiz settings form: the bank and category lists
// offer only the chosen course's banks and the chosen bank's categories. Without it, all are listed and
// the server refuses a bank of another course.
(function () {
  "use strict";

  function narrow(select, attribute, value) {
    if (!select) return;
    select.querySelectorAll("option").forEach((option) => {
      const owner = option.getAttribute(attribute);
      const shown = !option.value || !value || owner === null || owner === value;
      option.hidden = !shown;
      option.disabled = !shown;
    });
    const chosen = select.options[select.selectedIndex];
    if (chosen && chosen.disabled) select.value = "";
  }

  const form = document.querySelector("[data-quiz-form]");
  if (!form) return;
  const course = form.querySelector("select[name=course]");
  const bank = form.querySelector("select[name=bank]");
  const category = form.querySelector("select[name=category]");

  function update() {
    if (course) narrow(bank, "data-course", course.value);
    narrow(category, "data-bank", bank ? bank.value : "");
  }
  if (course) course.addEventListener("change", update);
  if (bank) bank.addEventListener("change", update);
  update();
})();
