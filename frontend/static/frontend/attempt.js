/* The quiz attempt page: autosave, countdown to the server's deadline, confirm before handing in.
 *
 * The page works without this file: the form posts every answer to the server.
 * With it, each changed answer is sent a second after the change to the JSON API
 * (PATCH /api/v1/attempts/<id>/answers/, the same call every client uses), and
 * sent again after a lost connection. Messages come from data attributes that the
 * template fills in the page's language.
 *
 * One question per page: "Previous", "Next" and the question numbers ([data-go])
 * first get this page's answer to the server, then open the other page; when it
 * cannot be saved the learner stays, and the status says so.
 */
(function () {
  "use strict";

  var form = document.getElementById("attempt-form");
  if (!form || !window.fetch) {
    return;
  }
  var statusBox = document.getElementById("save-status");
  var statusText = document.getElementById("save-status-text");
  var retryButton = document.getElementById("save-retry");
  var texts = statusBox.dataset;
  var SAVE_DELAY = 1000;
  var MAX_RETRY_DELAY = 30000;
  // Hand in a little before the deadline so the last answers reach the server in time.
  var SAFETY_SECONDS = 2;

  var changed = {};
  var timer = null;
  var sending = false;
  var closed = false;
  var retryDelay = 2000;
  var leavingTo = null;

  // Reading answers -------------------------------------------------------

  function questions() {
    return Array.prototype.slice.call(form.querySelectorAll("fieldset[data-question]"));
  }

  function checkedValues(fieldset) {
    return Array.prototype.map.call(fieldset.querySelectorAll("input:checked"), function (input) {
      return input.value;
    });
  }

  function parseNumber(text) {
    var cleaned = text.replace(/\s+/g, "").replace(",", ".");
    if (cleaned === "") {
      return null;
    }
    return /^[-+]?\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : undefined;
  }

  /* The answer of one question in the API's shape; null when empty, undefined when not valid. */
  function answerOf(fieldset) {
    var type = fieldset.dataset.type;
    var checked = checkedValues(fieldset);
    if (type === "single") {
      return checked.length ? parseInt(checked[0], 10) : null;
    }
    if (type === "multiple") {
      return checked.length ? checked.map(function (value) { return parseInt(value, 10); }) : null;
    }
    if (type === "true_false") {
      return checked.length ? checked[0] === "true" : null;
    }
    if (type === "matching") {
      var pairs = {};
      var any = false;
      fieldset.querySelectorAll("select").forEach(function (select) {
        if (select.value !== "") {
          pairs[select.name.split("-").pop()] = parseInt(select.value, 10);
          any = true;
        }
      });
      return any ? pairs : null;
    }
    var field = fieldset.querySelector("input[type=text], input:not([type]), textarea");
    if (type === "numerical") {
      return parseNumber(field.value);
    }
    return field.value.trim() === "" ? null : field.value;
  }

  function isAnswered(answer) {
    return answer !== null && answer !== undefined;
  }

  // Showing state ----------------------------------------------------------

  /* Whether some answer is not on the server yet; leaving the page then asks first. */
  function unsaved() {
    return sending || Object.keys(changed).length > 0;
  }

  function updateUnsaved() {
    form.dataset.unsaved = String(unsaved());
  }

  function show(message, state) {
    statusText.textContent = message;
    statusBox.dataset.state = state;
    retryButton.hidden = state !== "error";
  }

  function clock() {
    var now = new Date();
    return [now.getHours(), now.getMinutes(), now.getSeconds()].map(function (part) {
      return part < 10 ? "0" + part : String(part);
    }).join(":");
  }

  function markError(fieldset, message) {
    var error = fieldset.querySelector("[data-error-for]");
    fieldset.classList.toggle("has-error", Boolean(message));
    error.textContent = message || "";
    error.hidden = !message;
    fieldset.querySelectorAll("input[type=text], textarea, select").forEach(function (field) {
      if (message) {
        field.setAttribute("aria-invalid", "true");
      } else {
        field.removeAttribute("aria-invalid");
      }
    });
  }

  function markAnswered(fieldset, answer) {
    var link = document.querySelector('[data-nav-for="' + fieldset.dataset.question + '"]');
    if (link) {
      link.classList.toggle("is-answered", isAnswered(answer));
    }
  }

  // Saving ---------------------------------------------------------------------

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : form.elements.csrfmiddlewaretoken.value;
  }

  function schedule(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(flush, delay);
  }

  function collect() {
    var answers = {};
    var count = 0;
    questions().forEach(function (fieldset) {
      var id = fieldset.dataset.question;
      if (!changed[id]) {
        return;
      }
      var answer = answerOf(fieldset);
      markAnswered(fieldset, answer);
      if (answer === undefined) {
        markError(fieldset, texts.invalidNumber);
        delete changed[id];  // sent once the learner corrects it
        return;
      }
      markError(fieldset, "");
      answers[id] = answer;
      count += 1;
    });
    return count ? answers : null;
  }

  function flush() {
    if (sending || closed) {
      return;
    }
    var answers = collect();
    updateUnsaved();
    if (!answers) {
      return;
    }
    changed = {};
    sending = true;
    updateUnsaved();
    show(texts.saving, "saving");
    fetch(form.dataset.autosaveUrl, {
      method: "PATCH",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken()},
      body: JSON.stringify({answers: answers})
    }).then(function (response) {
      return handle(response, answers);
    }).catch(function () {
      resend(answers, texts.offline);
    }).then(function () {
      sending = false;
      updateUnsaved();
      if (!closed && Object.keys(changed).length && statusBox.dataset.state !== "error") {
        schedule(leavingTo ? 0 : SAVE_DELAY);
      } else if (leavingTo) {
        leaveWhenSaved();
      }
    });
  }

  function handle(response, answers) {
    if (response.ok) {
      retryDelay = 2000;
      show(texts.saved.replace("{time}", clock()), "saved");
    } else if (response.status === 409) {
      closed = true;
      show(texts.closed, "closed");
      window.setTimeout(function () { handIn(true); }, 4000);
    } else if (response.status === 400) {
      return response.json().then(function (errors) {
        // Errors come by question id, or as "answers.<id>" when the request's
        // own checks (control characters) refused the text before the quiz saw it.
        Object.keys(errors).forEach(function (id) {
          var fieldset = document.getElementById("q-" + id.replace(/^answers\./, ""));
          if (fieldset) {
            markError(fieldset, [].concat(errors[id]).join(" "));
          }
        });
        show(texts.invalid, "invalid");
      });
    } else if (response.status === 401 || response.status === 403) {
      resend(answers, texts.signedOut, true);
    } else {
      resend(answers, texts.offline);
    }
  }

  /* Keep the answers for the next try: newer changes to the same questions win, they are read again then. */
  function resend(answers, message, waitForPerson) {
    Object.keys(answers).forEach(function (id) { changed[id] = true; });
    show(message, "error");
    if (!waitForPerson) {
      schedule(retryDelay);
      retryDelay = Math.min(retryDelay * 2, MAX_RETRY_DELAY);
    }
  }

  function onChange(event) {
    var fieldset = event.target.closest("fieldset[data-question]");
    if (!fieldset || closed) {
      return;
    }
    changed[fieldset.dataset.question] = true;
    updateUnsaved();
    markAnswered(fieldset, answerOf(fieldset));
    if (statusBox.dataset.state !== "error") {
      schedule(SAVE_DELAY);
    }
  }

  show(texts.idle, "idle");
  form.addEventListener("input", onChange);
  form.addEventListener("change", onChange);
  retryButton.addEventListener("click", function () {
    retryDelay = 2000;
    flush();
  });
  window.addEventListener("online", flush);
  window.addEventListener("beforeunload", function (event) {
    if (!closed && unsaved()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // With JavaScript, "Save" saves in place instead of reloading the page.
  document.getElementById("save-button").addEventListener("click", function (event) {
    event.preventDefault();
    questions().forEach(function (fieldset) { changed[fieldset.dataset.question] = true; });
    flush();
  });

  // Moving to another question (one question per page) ----------------------------

  function goTo(url) {
    if (closed) {
      return;  // handing in already
    }
    window.clearTimeout(timer);
    leavingTo = url;
    flush();
    if (form.querySelector("fieldset.has-error")) {
      leavingTo = null;  // an answer to correct first; the question says which
    } else if (!unsaved()) {
      window.location.href = url;
    }
  }

  function leaveWhenSaved() {
    if (statusBox.dataset.state === "saved" && !unsaved()) {
      window.location.href = leavingTo;
    } else {
      leavingTo = null;  // not saved: stay on the page, whose status says why
    }
  }

  function targetOf(control) {
    return control.tagName === "A" ? control.href : form.dataset.pageUrl + encodeURIComponent(control.value);
  }

  document.querySelectorAll("[data-go]").forEach(function (control) {
    control.addEventListener("click", function (event) {
      event.preventDefault();
      goTo(targetOf(control));
    });
  });

  // Handing in -------------------------------------------------------------------

  function handIn(timedOut) {
    closed = true;
    window.clearTimeout(timer);
    document.getElementById("confirmed").value = "1";
    if (timedOut) {
      document.getElementById("timed-out").value = "1";
    }
    form.action = form.dataset.submitUrl;
    form.submit();
  }

  var dialog = document.getElementById("confirm-dialog");
  if (dialog && typeof dialog.showModal === "function") {
    document.getElementById("submit-button").addEventListener("click", function (event) {
      event.preventDefault();
      fillUnanswered();
      dialog.showModal();
    });
    document.getElementById("confirm-submit").addEventListener("click", function () {
      handIn(false);
    });
    document.getElementById("confirm-cancel").addEventListener("click", function () {
      dialog.close();
    });
  }

  /* The questions without an answer, from the navigator: it lists every question, also those on other pages. */
  function fillUnanswered() {
    var list = dialog.querySelector(".unanswered-list");
    list.textContent = "";
    var missing = Array.prototype.filter.call(document.querySelectorAll("[data-nav-for]"), function (navLink) {
      return !navLink.classList.contains("is-answered");
    });
    missing.forEach(function (navLink) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = navLink.getAttribute("href");
      link.textContent = navLink.dataset.label;
      link.addEventListener("click", function (event) {
        dialog.close();
        if (navLink.hasAttribute("data-go")) {
          event.preventDefault();
          goTo(navLink.href);
        }
      });
      item.appendChild(link);
      list.appendChild(item);
    });
    document.getElementById("confirm-unanswered").hidden = missing.length === 0;
    document.getElementById("confirm-all-answered").hidden = missing.length !== 0;
  }

  // The countdown ------------------------------------------------------------------

  var countdown = document.getElementById("countdown");
  if (countdown) {
    var ends = performance.now() + (Number(countdown.dataset.remaining) - SAFETY_SECONDS) * 1000;
    countdown.hidden = false;
    countdown.parentNode.classList.add("timer--live");
    var tick = function () {
      var left = Math.max(0, Math.ceil((ends - performance.now()) / 1000));
      var hours = Math.floor(left / 3600);
      var minutes = Math.floor((left % 3600) / 60);
      var seconds = left % 60;
      countdown.textContent = (hours ? hours + ":" : "") + (minutes < 10 && hours ? "0" : "") + minutes + ":" +
        (seconds < 10 ? "0" : "") + seconds;
      countdown.parentNode.classList.toggle("timer--urgent", left <= 60);
      if (left === 0) {
        show(texts.timeUp, "closed");
        handIn(true);
        return;
      }
      window.setTimeout(tick, 250);
    };
    tick();
  }
}());
