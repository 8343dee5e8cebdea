// Every page: a GOV.UK error summary takes the focus, so that the reader hears and sees first what went wrong;
// and a form that changes something is sent once, whatever the clicks (a double click on "Lưu" made two).
(function () {
  "use strict";

  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if ((form.method || "").toLowerCase() !== "post" || event.defaultPrevented) return;
    if (form.dataset.sending === "true") {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "true";
    // An answer that does not leave the page (a file to download) must not lock the form for good.
    setTimeout(function () { delete form.dataset.sending; }, 8000);
  });
  // Back to a page from the browser's cache: its forms may be sent again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending]").forEach(function (form) {
      delete form.dataset.sending;
    });
  });
})();
