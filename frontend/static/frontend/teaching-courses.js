/* The instructor's course pages. Everything here only enhances: without JavaScript the arrow buttons
   reorder, the plain text area edits a lesson, and every field is shown. */
(function () {
  "use strict";

  document.querySelectorAll(".js-only").forEach(function (element) {
    element.hidden = false;
  });

  // Drag and drop of modules and lessons ------------------------------------

  var live = document.createElement("p");
  live.className = "visually-hidden";
  live.setAttribute("aria-live", "polite");
  document.body.appendChild(live);

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function items(list) {
    return Array.prototype.filter.call(list.children, function (child) {
      return child.hasAttribute("data-id");
    });
  }

  function refreshArrows(list) {
    var rows = items(list);
    rows.forEach(function (row, index) {
      var buttons = row.querySelector(".move-buttons").querySelectorAll("button");
      buttons[0].disabled = index === 0;
      buttons[1].disabled = index === rows.length - 1;
      var number = row.querySelector(":scope > .outline__row .outline__number");
      if (number) {
        number.textContent = number.textContent.replace(/\d+/, String(index + 1));
      }
    });
  }

  function saveOrder(list, before) {
    var body = new URLSearchParams();
    items(list).forEach(function (row) {
      body.append("order", row.getAttribute("data-id"));
    });
    fetch(list.getAttribute("data-order-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": csrfToken()},
      body: body
    }).then(function (response) {
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      refreshArrows(list);
      live.textContent = list.getAttribute("data-saved-text") || "";
    }).catch(function () {
      // The server refused (someone else changed the outline meanwhile): show what it holds.
      before.forEach(function (row) { list.appendChild(row); });
      window.location.reload();
    });
  }

  function sortable(list) {
    var dragged = null;
    var before = null;

    list.addEventListener("mousedown", function (event) {
      var handle = event.target.closest(".drag-handle");
      var row = handle && handle.closest("[data-id]");
      if (row && row.parentElement === list) {
        row.draggable = true;
      }
    });
    list.addEventListener("dragstart", function (event) {
      var row = event.target.closest && event.target.closest("[data-id]");
      if (!row || row.parentElement !== list || !row.draggable) {
        return;
      }
      event.stopPropagation();
      dragged = row;
      before = items(list);
      row.classList.add("is-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", row.getAttribute("data-id"));
    });
    list.addEventListener("dragover", function (event) {
      if (!dragged) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      var over = event.target.closest("[data-id]");
      while (over && over.parentElement !== list) {
        over = over.parentElement.closest("[data-id]");
      }
      if (!over || over === dragged) {
        return;
      }
      var box = over.getBoundingClientRect();
      list.insertBefore(dragged, event.clientY < box.top + box.height / 2 ? over : over.nextSibling);
    });
    list.addEventListener("drop", function (event) {
      if (dragged) {
        event.preventDefault();
        event.stopPropagation();
      }
    });
    list.addEventListener("dragend", function (event) {
      if (!dragged) {
        return;
      }
      event.stopPropagation();
      dragged.classList.remove("is-dragging");
      dragged.draggable = false;
      var moved = items(list).some(function (row, index) { return row !== before[index]; });
      if (moved) {
        saveOrder(list, before);
      }
      dragged = null;
    });
  }

  document.querySelectorAll("[data-sortable]").forEach(sortable);

  // The lesson editor ---------------------------------------------------------

  var textarea = document.querySelector("textarea#id_body");
  var toolbarTemplate = document.getElementById("editor-toolbar");
  if (textarea && toolbarTemplate && window.Trix) {
    // Lesson pages start their headings at h2, and the server keeps <s> but not <del>.
    window.Trix.config.blockAttributes.heading1.tagName = "h2";
    window.Trix.config.textAttributes.strike.tagName = "s";
    // Lessons hold no attachments: a file lesson takes its file in its own field.
    document.addEventListener("trix-file-accept", function (event) { event.preventDefault(); });

    var input = document.createElement("input");
    input.type = "hidden";
    input.name = textarea.name;
    input.id = "id_body_input";
    input.value = textarea.value;

    var toolbar = document.createElement("trix-toolbar");
    toolbar.id = "id_body_toolbar";
    toolbar.appendChild(toolbarTemplate.content.cloneNode(true));

    var editor = document.createElement("trix-editor");
    editor.id = textarea.id;
    editor.className = "trix-content lesson-editor";
    editor.setAttribute("input", input.id);
    editor.setAttribute("toolbar", toolbar.id);
    // axe and some screen readers miss a custom element's <label for>: name it by the label too.
    var label = document.querySelector("label[for='" + textarea.id + "']");
    if (label) {
      label.id = label.id || textarea.id + "_label";
      editor.setAttribute("aria-labelledby", label.id);
    }
    ["aria-describedby", "aria-invalid"].forEach(function (name) {
      if (textarea.hasAttribute(name)) {
        editor.setAttribute(name, textarea.getAttribute(name));
      }
    });
    textarea.replaceWith(input, toolbar, editor);
  }

  // Only the fields the lesson's kind uses ------------------------------------

  var kind = document.getElementById("id_kind");
  var fieldsOfKind = {text: "id_body", video: "id_url", link: "id_url", file: "id_file"};
  function showFieldsOfKind() {
    ["id_body", "id_url", "id_file"].forEach(function (id) {
      var control = document.getElementById(id);
      var field = control && control.closest(".field");
      if (field) {
        field.hidden = fieldsOfKind[kind.value] !== id && !field.querySelector(".field__error");
      }
    });
  }
  if (kind) {
    kind.addEventListener("change", showFieldsOfKind);
    showFieldsOfKind();
  }
})();
