// Signature pad: the customer draws with a finger, pen or mouse (pointer events);
// the drawing is posted as a PNG data URL in the form's hidden field.
(function () {
  document.querySelectorAll("canvas.signature").forEach(function (canvas) {
    var ctx = canvas.getContext("2d");
    var field = document.getElementById(canvas.dataset.target);
    var drawing = false, drawn = false;
    ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.strokeStyle = "#111";
    function point(event) {
      var box = canvas.getBoundingClientRect();
      return [(event.clientX - box.left) * canvas.width / box.width, (event.clientY - box.top) * canvas.height / box.height];
    }
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true; canvas.setPointerCapture(event.pointerId);
      var p = point(event); ctx.beginPath(); ctx.moveTo(p[0], p[1]);
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      var p = point(event); ctx.lineTo(p[0], p[1]); ctx.stroke(); drawn = true;
      event.preventDefault();
    });
    function stop() { if (drawing) { drawing = false; if (drawn) field.value = canvas.toDataURL("image/png"); } }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointerleave", stop);
    var form = canvas.closest("form");
    form.addEventListener("submit", function () { if (drawn) field.value = canvas.toDataURL("image/png"); });
    form.querySelectorAll("[data-clear-signature]").forEach(function (button) {
      button.addEventListener("click", function () {
        ctx.clearRect(0, 0, canvas.width, canvas.height); field.value = ""; drawn = false;
      });
    });
  });
  // Check-in: add the device's position when the browser offers it.
  document.querySelectorAll("form[data-geolocate]").forEach(function (form) {
    if (!navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition(function (pos) {
      var lat = form.querySelector("[name$=latitude]"), lng = form.querySelector("[name$=longitude]");
      if (lat && lng) { lat.value = pos.coords.latitude.toFixed(6); lng.value = pos.coords.longitude.toFixed(6); }
    }, function () {}, {timeout: 5000});
  });
})();
