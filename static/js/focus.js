// After a form was sent, the page that reports its outcome moves the focus to that report
// (the status message, or the element marked data-rn-focus), so that keyboard and screen
// reader users start there and not at the top of the page. Only when nothing else has the
// focus yet: <main> counts as nothing, the skip link's #main stays in the URL of later forms.
(function () {
  "use strict";

  function focusOutcome() {
    const active = document.activeElement;
    if (active && active !== document.body && active.id !== "main") return;
    const hash = window.location.hash;
    if (hash && hash !== "#main") return;
    const target = document.querySelector("[data-rn-focus]");
    if (!target) return;
    target.focus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusOutcome);
  } else {
    focusOutcome();
  }
  // The browser may focus the #main target only once the page has loaded.
  window.addEventListener("load", focusOutcome);
})();
