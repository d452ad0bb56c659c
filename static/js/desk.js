// Queue countdowns (±H:MM to the nearest SLA due point) tick every 30 s, and canned
// replies are put into the comment box. No inline script (Content-Security-Policy).
(function () {
  function format(ms) {
    var minutes = Math.floor(ms / 60000);
    var sign = minutes < 0 ? "\u2212" : "";
    minutes = Math.abs(minutes);
    var rest = minutes % 60;
    return sign + Math.floor(minutes / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }
  function tick() {
    document.querySelectorAll("[data-due]").forEach(function (el) {
      el.textContent = format(new Date(el.dataset.due).getTime() - Date.now());
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (document.querySelector("[data-due]")) {
      setInterval(tick, 30000);
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-insert-canned]");
    if (!button) { return; }
    event.preventDefault();
    var select = document.getElementById(button.dataset.insertCanned);
    var option = select && select.selectedOptions[0];
    var box = document.getElementById(button.dataset.target);
    if (!option || !option.dataset.body || !box) { return; }
    box.value = (box.value ? box.value + "\n\n" : "") + option.dataset.body;
    box.focus();
  });
  // Forms marked data-confirm ask before they are sent (cancel a visit, a parts
  // quantity that opens a procurement request); the server checks again.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
