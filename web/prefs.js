// Applies the reader's saved theme, font and text size to <html> before
// the page is drawn, so neither the prerendered page nor the app flashes
// the wrong look. The app writes the same keys when they change.
(function () {
  try {
    var root = document.documentElement;
    var theme = localStorage.getItem("margin.theme");
    if (theme === "light" || theme === "dark") root.setAttribute("data-theme", theme);
    var font = localStorage.getItem("margin.font");
    if (font === "sans") root.setAttribute("data-font", font);
    var size = localStorage.getItem("margin.size");
    if (size && /^[0-6]$/.test(size)) root.setAttribute("data-size", size);
  } catch (e) {
    // Storage can be unavailable (private modes); the defaults apply.
  }
})();
