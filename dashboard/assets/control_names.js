// Names Dash 4's own controls leave out, so that screen readers say what each control is (WCAG 4.1.2):
// - a dropdown's button is labelled by its value only: its label (id "<control>-label") goes first;
// - the focus proxy Dash puts before each dropdown is focusable yet aria-hidden (it passes focus on to the button):
//   it gets the label instead of aria-hidden;
// - RadioItems and Checklist render a listbox of role=option labels around native inputs (nested interactive
//   controls, no name): they become a labelled radio group / group of native inputs;
// - a Slider's thumb (role=slider) has no name: its label names it, and where an element "<control>-shown" says the
//   value in words (the time-travel slider's value is seconds since 1970), that text is its aria-valuetext.
// Only attributes change (React does not set them again while its props stay the same); the observer patches what
// Dash renders later.
(function () {
  "use strict";

  function set(el, name, value) {
    if (el.getAttribute(name) !== value) el.setAttribute(name, value);
  }

  function unset(el, name) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  }

  function patch() {
    document.querySelectorAll("label[id$='-label']").forEach(function (label) {
      const control = document.getElementById(label.id.slice(0, -"-label".length));
      if (!control) return;
      if (control.classList.contains("dash-dropdown")) {
        const own = (control.getAttribute("aria-labelledby") || "").split(" ").filter(function (id) {
          return id && id !== label.id;
        });
        set(control, "aria-labelledby", [label.id].concat(own).join(" "));
        const proxy = control.parentElement && control.parentElement.querySelector(".dash-dropdown-focus-target");
        if (proxy) {
          unset(proxy, "aria-hidden");
          set(proxy, "aria-labelledby", label.id);
        }
      } else if (control.querySelector(".dash-slider-thumb")) {
        const shown = document.getElementById(control.id + "-shown");
        control.querySelectorAll(".dash-slider-thumb").forEach(function (thumb) {
          set(thumb, "aria-labelledby", label.id);
          if (shown && shown.textContent) set(thumb, "aria-valuetext", shown.textContent);
        });
      } else if (control.classList.contains("dash-options-list")) {
        set(control, "role", control.classList.contains("dash-radioitems") ? "radiogroup" : "group");
        set(control, "aria-labelledby", label.id);
        control.querySelectorAll("[role='option']").forEach(function (option) { unset(option, "role"); });
        control.querySelectorAll("[aria-selected]").forEach(function (option) { unset(option, "aria-selected"); });
      }
    });
  }

  let queued = false;
  new MutationObserver(function () {
    if (queued) return;
    queued = true;
    queueMicrotask(function () {
      queued = false;
      patch();
    });
  }).observe(document.documentElement, {
    subtree: true,
    childList: true,
    attributes: true,
    characterData: true,
    attributeFilter: ["role", "aria-selected", "aria-hidden", "aria-labelledby", "aria-valuenow"],
  });
})();
