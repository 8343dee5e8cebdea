/* The verify page's PDF check, in the browser.
 *
 * The page works without this file: the form uploads the PDF and the server
 * answers whether its SHA-256 is the one on record. With it, a PDF can also be
 * dropped on the box, and where the browser can hash (crypto.subtle: HTTPS or
 * localhost) the file is hashed here and compared with the fingerprint on the
 * page, so it never leaves the person's device. The texts come from the form's
 * data attributes, which the template fills in the page's language.
 */
(function () {
  "use strict";

  var form = document.querySelector("form.pdf-check");
  if (!form) {
    return;
  }
  var input = form.querySelector("input[type=file]");
  var zone = form.querySelector("[data-dropzone]");
  var hint = form.querySelector("[data-drop-hint]");
  var result = document.getElementById("check-result");
  var texts = form.dataset;
  var canHash = !!(window.crypto && window.crypto.subtle && window.Blob && Blob.prototype.arrayBuffer);

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (byte) {
      return ("0" + byte.toString(16)).slice(-2);
    }).join("");
  }

  function paragraph(className, text) {
    var p = document.createElement("p");
    p.className = className;
    p.textContent = text;
    return p;
  }

  function show(matches, digest, name) {
    var box = document.createElement("div");
    box.className = "check-outcome check-outcome--" + (matches ? "match" : "mismatch");
    box.setAttribute("role", "status");
    var verdict = paragraph("check-outcome__verdict", " " + (matches ? texts.match : texts.mismatch));
    var icon = document.createElement("span");
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = matches ? "✓" : "✕";
    verdict.insertBefore(icon, verdict.firstChild);
    box.appendChild(verdict);
    box.appendChild(paragraph("check-outcome__name", name));
    var line = paragraph("check-outcome__digest", texts.digestLabel + " ");
    var code = document.createElement("code");
    code.className = "hash";
    code.textContent = digest;
    line.appendChild(code);
    box.appendChild(line);
    box.appendChild(paragraph("check-outcome__name", texts.local));
    result.replaceChildren(box);
  }

  function showError(text) {
    var box = document.createElement("div");
    box.className = "check-outcome check-outcome--mismatch";
    box.setAttribute("role", "alert");
    box.appendChild(paragraph("check-outcome__verdict", text));
    result.replaceChildren(box);
  }

  function check(file) {
    if (!file) {
      showError(texts.noFile);
      return;
    }
    if (file.size > Number(texts.maxBytes)) {
      showError(texts.tooLarge);
      return;
    }
    file.arrayBuffer().then(function (data) {
      return window.crypto.subtle.digest("SHA-256", data);
    }).then(function (digest) {
      var value = hex(digest);
      show(value === texts.sha256, value, file.name);
    }, function () {
      form.submit(); // the browser could not hash it: the server will
    });
  }

  if (canHash) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      check(input.files[0]);
    });
    input.addEventListener("change", function () {
      if (input.files.length) {
        check(input.files[0]);
      }
    });
  }

  // Drag and drop: the dropped file becomes the input's, then is checked (here, or by the server).
  if (zone && "ondrop" in zone && window.DataTransfer) {
    hint.hidden = false;
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("is-over");
      });
    });
    ["dragleave", "dragend", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () {
        zone.classList.remove("is-over");
      });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      var files = event.dataTransfer && event.dataTransfer.files;
      if (!files || !files.length) {
        return;
      }
      try {
        input.files = files;
      } catch (error) {
        // Older browsers cannot set a file input: hash what was dropped when possible.
      }
      if (canHash) {
        check(files[0]);
      } else if (input.files.length) {
        form.submit();
      }
    });
  }
})();
