// Every page: a GOV.UK error summary takes the focus, so that the reader hears and sees first what went wrong.
(function () {
  "use strict";

  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
