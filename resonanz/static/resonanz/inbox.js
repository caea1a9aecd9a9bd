/* Inbox keyboard shortcuts and presence mode. No inline JS (CSP script-src 'self').
   j/k move the selection in the list (Enter opens), a assigns to me, r focuses the answer,
   e closes the conversation, ? shows the help. Keys are ignored while typing in a field. */
(function () {
  "use strict";

  function typing(event) {
    var el = event.target;
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-inbox-list] [data-row]"));
  }

  function select(delta) {
    var all = rows();
    if (!all.length) return;
    var current = all.findIndex(function (row) { return row.classList.contains("selected"); });
    var next = Math.max(0, Math.min(all.length - 1, current + delta));
    if (current >= 0) all[current].classList.remove("selected");
    all[next].classList.add("selected");
    var link = all[next].querySelector("[data-row-link]");
    if (link) link.focus();
  }

  function click(selector) {
    var el = document.querySelector(selector);
    if (el && !el.disabled) el.click();
  }

  function help() {
    var dialog = document.getElementById("shortcut-help");
    if (dialog && dialog.showModal && !dialog.open) dialog.showModal();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) return;
    switch (event.key) {
      case "j": select(1); break;
      case "k": select(-1); break;
      case "a": click("[data-action=assign-me]"); break;
      case "e": click("[data-action=close]"); break;
      case "r": {
        var text = document.getElementById("reply-text");
        if (!text) return;
        text.focus();
        break;
      }
      case "?": help(); break;
      default: return;
    }
    event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-shortcut-help]")) help();
  });

  // The presence heartbeat sends this mode: others see "is replying" while the answer has focus.
  document.addEventListener("focusin", function (event) {
    var mode = document.getElementById("presence-mode");
    if (mode && event.target.id === "reply-text") mode.value = "replying";
  });
  document.addEventListener("focusout", function (event) {
    var mode = document.getElementById("presence-mode");
    if (mode && event.target.id === "reply-text" && !event.target.value) mode.value = "viewing";
  });
})();
