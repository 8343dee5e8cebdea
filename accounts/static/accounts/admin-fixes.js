"use strict";
// Names the controls that the admin's own scripts draw without an accessible name
// (WCAG 4.1.2), whenever they draw them: Select2's boxes of the autocomplete
// fields, the magnifier icons of the two-list choosers, and the org-unit tree's
// expand/collapse buttons. Loaded by accounts.admin.AccessibleAdminMixin.
{
    const labelOf = (field) => field.id && document.querySelector(`label[for="${CSS.escape(field.id)}"]`);

    function nameAutocompleteBox(box) {
        // Select2 names its box after the text of the choice made, empty at first.
        const select = box.closest(".select2")?.previousElementSibling;
        const label = select && labelOf(select);
        const shown = box.querySelector(".select2-selection__rendered");
        if (!label) {
            return;
        }
        label.id ||= `${select.id}-label`;
        box.setAttribute("aria-labelledby", shown ? `${label.id} ${shown.id}` : label.id);
        if (shown && shown.getAttribute("role") === "textbox") {
            shown.removeAttribute("role");  // the box itself is the control; this is its text
            shown.removeAttribute("aria-readonly");
        }
    }

    function nameControls() {
        for (const box of document.querySelectorAll(".select2-selection[role=combobox]")) {
            nameAutocompleteBox(box);
        }
        // An aria-label is allowed on an element with a role only.
        for (const icon of document.querySelectorAll(".search-label-icon[aria-label]:not([role])")) {
            icon.setAttribute("role", "img");
        }
        for (const button of document.querySelectorAll("a.treebeard-collapse")) {
            const unit = button.parentElement.querySelector("a:not(.treebeard-collapse)");
            if (unit && !button.hasAttribute("aria-label")) {
                button.setAttribute("aria-label", unit.textContent.trim());
            }
            const expanded = String(!button.classList.contains("treebeard-collapsed"));
            if (button.getAttribute("aria-expanded") !== expanded) {
                button.setAttribute("aria-expanded", expanded);
            }
        }
    }

    let pending = false;
    new MutationObserver(() => {
        if (!pending) {
            pending = true;
            queueMicrotask(() => { pending = false; nameControls(); });
        }
    }).observe(document.documentElement, {childList: true, subtree: true, attributes: true, attributeFilter: ["class"]});
    document.addEventListener("DOMContentLoaded", nameControls);
}
