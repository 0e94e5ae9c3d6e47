// The printable dashboard's "print" button. Kept out of the page so the Content-Security-Policy
// can refuse every inline script.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
});
