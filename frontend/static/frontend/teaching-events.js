// Classes and conferences: the attendance sheet's "everyone else present"
// marks in place (its link does the same with a reload); the new-event form shows the fields of its kind only.
(function () {
  "use strict";

  document.querySelectorAll("[data-all-present]").forEach((link) => {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      const sheet = link.closest("form");
      sheet.querySelectorAll(".sheet fieldset").forEach((group) => {
        if (!group.querySelector("input[type=radio]:checked")) {
          const present = group.querySelector("input[type=radio][value=present]");
          if (present) present.checked = true;
        }
      });
    });
  });

  const kinds = document.querySelectorAll("input[name=kind]");
  if (kinds.length) {
    const only = {speakers: "conference", cohort: "class", school: "class"};
    const show = () => {
      const kind = (document.querySelector("input[name=kind]:checked") || {}).value;
      Object.entries(only).forEach(([name, forKind]) => {
        const field = document.querySelector(`[data-field="${name}"]`);
        if (field) field.hidden = Boolean(kind) && kind !== forKind;
      });
    };
    kinds.forEach((input) => input.addEventListener("change", show));
    show();
  }
})();
