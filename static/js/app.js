// Oppslag's keyboard shortcuts and small helpers, under a strict CSP; every
// page works without this file. "/" focuses #search-q, "?" toggles the help
// <dialog id="shortcuts">, 1–9 jump to section.app-panel / [data-jump] parts.
// Also: the emergency countdown ([data-countdown]) and print buttons
// ([data-print]). WCAG 2.1.4: the help dialog's switch turns single-key
// shortcuts off (an "off" flag in localStorage).
(function () {
  "use strict";

  var STORE_KEY = "oppslag.shortcuts";

  function shortcutsOff() {
    try {
      return window.localStorage.getItem(STORE_KEY) === "off";
    } catch (e) {
      return false;
    }
  }

  function setShortcutsOff(off) {
    try {
      if (off) {
        window.localStorage.setItem(STORE_KEY, "off");
      } else {
        window.localStorage.removeItem(STORE_KEY);
      }
    } catch (e) {
      // Storage may be blocked; the switch then lasts for this page only.
    }
  }

  function typingIn(el) {
    if (!el) {
      return false;
    }
    var tag = el.tagName;
    if (tag === "INPUT") {
      // A checkbox or a button takes no text, so the shortcuts stay live there.
      return !/^(checkbox|radio|button|submit|reset|image|range|color|file)$/.test(el.type);
    }
    return tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function dialog() {
    var d = document.getElementById("shortcuts");
    return d && typeof d.showModal === "function" ? d : null;
  }

  function toggleHelp() {
    var d = dialog();
    if (!d) {
      return;
    }
    if (d.open) {
      d.close();
    } else {
      d.showModal();
    }
  }

  var disabled = shortcutsOff();

  document.addEventListener("keydown", function (ev) {
    if (disabled || ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing) {
      return;
    }
    if (typingIn(ev.target)) {
      return;
    }
    if (ev.key === "/") {
      var q = document.getElementById("search-q");
      var d = dialog();
      if (q) {
        if (d && d.open) {
          d.close();
        }
        ev.preventDefault();
        q.focus();
        q.select();
      }
    } else if (ev.key === "?") {
      ev.preventDefault();
      toggleHelp();
    } else if (/^[1-9]$/.test(ev.key) && jumpToPanel(+ev.key)) {
      ev.preventDefault();
    }
  });

  // jumpToPanel moves focus to the heading of the n-th panel or part, if
  // there is one.
  function jumpToPanel(n) {
    var panels = document.querySelectorAll("section.app-panel, [data-jump]");
    var panel = panels[n - 1];
    var heading = panel && panel.querySelector("h2");
    if (!heading) {
      return false;
    }
    var d = dialog();
    if (d && d.open) {
      d.close();
    }
    heading.focus();
    heading.scrollIntoView({ block: "start" });
    return true;
  }

  // Copy buttons copy the text of the element their aria-controls names, so
  // the value itself (an identity number) sits in no attribute (S15).
  document.addEventListener("click", function (ev) {
    var b = ev.target && ev.target.closest ? ev.target.closest("button.app-copy") : null;
    var source = b && document.getElementById(b.getAttribute("aria-controls"));
    if (!source) {
      return;
    }
    // data-raw keeps the text as it is (the raw drawer's JSON).
    var text = b.hasAttribute("data-raw") ? source.textContent : source.textContent.replace(/\s+/g, "");
    var status = b.parentNode.querySelector(".app-copy__status");
    var done = function () {
      if (status) {
        status.textContent = b.getAttribute("data-copied") || "";
        window.setTimeout(function () {
          status.textContent = "";
        }, 4000);
      }
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () {});
    }
  });

  // When htmx replaces the panel the user was working in, focus goes back to
  // the new panel's refresh control instead of being lost to the page.
  var refreshing = null;
  document.addEventListener("htmx:beforeRequest", function (ev) {
    var panel = ev.target && ev.target.closest ? ev.target.closest("section.app-panel") : null;
    refreshing = panel && panel.contains(document.activeElement) ? panel.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    var panel = refreshing && document.getElementById(refreshing);
    refreshing = null;
    var again = panel && panel.querySelector("[hx-get]");
    if (again) {
      again.focus();
    }
  });

  // fill replaces each %d (or %s) in format with the next argument.
  function fill(format, args) {
    var i = 0;
    return format.replace(/%[ds]/g, function () {
      return String(args[i++]);
    });
  }

  // Keeps the server-written time left current; not a live region, so a
  // screen reader is not interrupted every minute.
  function tickCountdowns() {
    var els = document.querySelectorAll("[data-countdown]");
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      var until = Date.parse(el.getAttribute("data-countdown"));
      if (isNaN(until)) {
        continue;
      }
      var mins = Math.ceil((until - Date.now()) / 60000);
      if (mins <= 0) {
        el.textContent = el.getAttribute("data-countdown-over") || "";
        continue;
      }
      var h = Math.floor(mins / 60);
      var m = mins % 60;
      var left;
      if (h === 0) {
        left = fill(el.getAttribute("data-countdown-m") || "%d", [m]);
      } else if (m === 0) {
        left = fill(el.getAttribute("data-countdown-h") || "%d", [h]);
      } else {
        left = fill(el.getAttribute("data-countdown-hm") || "%d:%d", [h, m]);
      }
      el.textContent = fill(el.getAttribute("data-countdown-format") || "%s", [left]);
    }
  }

  function init() {
    if (document.querySelector("[data-countdown]")) {
      tickCountdowns();
      window.setInterval(tickCountdowns, 15000);
    }
    var printers = document.querySelectorAll("button[data-print]");
    for (var p = 0; p < printers.length; p++) {
      printers[p].hidden = false;
      printers[p].addEventListener("click", function () {
        window.print();
      });
    }

    // The off switch only means something when this script runs.
    var toggle = document.getElementById("shortcuts-toggle");
    var box = document.getElementById("shortcuts-off");
    if (toggle && box) {
      box.checked = disabled;
      box.addEventListener("change", function () {
        disabled = box.checked;
        setShortcutsOff(disabled);
      });
      toggle.hidden = false;
    }

    // WCAG 1.4.10: a table wrap that really scrolls takes the keyboard.
    var markScrollable = function () {
      var wraps = document.querySelectorAll(".app-table-wrap:not([role])");
      for (var w = 0; w < wraps.length; w++) {
        if (wraps[w].scrollWidth > wraps[w].clientWidth + 1) {
          wraps[w].setAttribute("tabindex", "0");
        } else {
          wraps[w].removeAttribute("tabindex");
        }
      }
    };
    markScrollable();
    window.addEventListener("resize", markScrollable);

    // Copying needs this script; show the copy buttons only now.
    var copies = document.querySelectorAll("button.app-copy");
    for (var i = 0; i < copies.length; i++) {
      copies[i].hidden = false;
    }
    // A page's extra shortcuts come from its own translated <template>.
    var extra = document.getElementById("shortcuts-extra");
    var list = document.querySelector("#shortcuts .app-shortcuts");
    if (extra && list && extra.content) {
      list.appendChild(extra.content.cloneNode(true));
    }

    // Buttons with commandfor/command="show-modal" open the dialog natively;
    // older browsers without invoker commands get the same from here.
    if (!("commandForElement" in HTMLButtonElement.prototype)) {
      document.addEventListener("click", function (ev) {
        var b = ev.target && ev.target.closest ? ev.target.closest("button[commandfor]") : null;
        if (!b) {
          return;
        }
        var target = document.getElementById(b.getAttribute("commandfor"));
        if (!target || typeof target.showModal !== "function") {
          return;
        }
        var cmd = b.getAttribute("command");
        if (cmd === "show-modal" && !target.open) {
          target.showModal();
        } else if (cmd === "close" && target.open) {
          target.close();
        }
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
