// A <select data-autosubmit> submits its form when it changes (no inline handlers:
// the Content-Security-Policy allows no inline script).
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-autosubmit]") && event.target.form) {
    event.target.form.submit();
  }
});
