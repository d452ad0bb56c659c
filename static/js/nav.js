// The main navigation folds into a "Menu" button on a phone (issue 16). Without
// script the list simply stays open; the CSS folds it only under `.nav-folding`.
(function () {
  "use strict";
  function setUp() {
    var nav = document.querySelector(".main-nav");
    if (!nav) { return; }
    var button = nav.querySelector(".nav-toggle");
    if (!button) { return; }
    button.hidden = false;
    nav.classList.add("nav-folding");
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("nav-open", open);
    });
  }
  // A table wider than the phone scrolls sideways: keyboard users reach it with Tab
  // (axe: scrollable-region-focusable).
  function focusableScrolls() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth) {
        wrap.setAttribute("tabindex", "0");
      } else {
        wrap.removeAttribute("tabindex");
      }
    });
  }
  function start() {
    setUp();
    focusableScrolls();
    window.addEventListener("resize", focusableScrolls);
    document.body.addEventListener("htmx:afterSettle", focusableScrolls);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
