/* The certificate template's live preview in the admin.
 *
 * The page works without this file: "Refresh the preview" posts the form, as
 * typed, to the preview address, and the PDF opens in the frame beside it. With
 * it, the preview refreshes itself a moment after the HTML, the CSS or an issuer
 * field changes, and once when the page opens.
 */
(function () {
  "use strict";

  var DELAY = 800;
  var WATCHED = ["html", "css", "issuer_parent", "issuer", "signer_title", "signer_name"];

  function start() {
    var button = document.getElementById("certificate-preview-button");
    var frame = document.getElementById("certificate-preview-frame");
    var status = document.getElementById("certificate-preview-status");
    if (!button || !frame || !button.form) {
      return;
    }
    var form = button.form;
    var timer = null;

    function refresh() {
      timer = null;
      status.textContent = button.dataset.updating;
      if (form.requestSubmit) {
        form.requestSubmit(button);
      } else {
        button.click();
      }
    }

    function later() {
      if (timer) {
        clearTimeout(timer);
      }
      timer = setTimeout(refresh, DELAY);
    }

    frame.addEventListener("load", function () {
      status.textContent = "";
    });
    WATCHED.forEach(function (name) {
      var field = form.elements[name];
      if (field) {
        field.addEventListener("input", later);
      }
    });
    refresh();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
