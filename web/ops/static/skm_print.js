// The printable SKM summary's "Cetak" button (inline handlers are not allowed by the CSP).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("print");
  if (button) {
    button.addEventListener("click", () => window.print());
    button.disabled = false;
  }
});
