/* Inbox keyboard shortcuts, live-list selection and presence mode. No inline JS (CSP script-src 'self').
   j/k move the selection in the list (Enter opens), / searches, a assigns to me, r focuses the answer,
   Ctrl+Enter sends it, w sets "waiting", e closes, u goes back to the list, ? shows the help (the same
   list is in the page's help dialog). Keys are ignored while typing in a field. */
(function () {
  "use strict";

  var selectedHref = null;  // survives the live refresh of the list, which replaces the rows

  function typing(event) {
    var el = event.target;
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-inbox-list] [data-row]"));
  }

  function mark(row, focus) {
    rows().forEach(function (other) {
      other.classList.remove("selected");
      other.removeAttribute("aria-current");
    });
    row.classList.add("selected");
    row.setAttribute("aria-current", "true");
    var link = row.querySelector("[data-row-link]");
    selectedHref = link ? link.getAttribute("href") : null;
    if (link && focus) link.focus();
  }

  function select(delta) {
    var all = rows();
    if (!all.length) return;
    var current = all.findIndex(function (row) { return row.classList.contains("selected"); });
    var next = current < 0 ? 0 : Math.max(0, Math.min(all.length - 1, current + delta));
    mark(all[next], true);
  }

  function restoreSelection() {
    if (!selectedHref) return;
    var hadFocus = document.activeElement === document.body ||
      (document.activeElement && document.activeElement.hasAttribute("data-row-link"));
    rows().forEach(function (row) {
      var link = row.querySelector("[data-row-link]");
      if (link && link.getAttribute("href") === selectedHref) mark(row, hadFocus);
    });
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
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.id === "reply-text") {
      var form = event.target.closest("form");
      if (form && event.target.value.trim()) {
        event.preventDefault();
        form.requestSubmit ? form.requestSubmit() : form.submit();
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) return;
    switch (event.key) {
      case "j": select(1); break;
      case "k": select(-1); break;
      case "a": click("[data-action=assign-me]"); break;
      case "e": click("[data-action=close]"); break;
      case "w": click("[data-action=waiting]"); break;
      case "u": click("[data-back]"); break;
      case "/": {
        var search = document.getElementById("id_q");
        if (!search) return;
        search.focus();
        break;
      }
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

  // The list refreshes itself every few seconds (htmx); keep the row the agent had selected.
  document.addEventListener("htmx:afterSwap", restoreSelection);
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
