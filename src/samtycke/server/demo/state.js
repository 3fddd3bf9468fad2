// Shows the consent state and the cookies the page holds, refreshed on every change.
(function () {
  function show() {
    var c = window.samtycke && window.samtycke.consent;
    document.getElementById("demo-consent").textContent = c ? JSON.stringify(c) : "none yet";
    document.getElementById("demo-cookies").textContent =
      document.cookie.split("; ").map(function (p) { return p.split("=")[0]; }).filter(Boolean).join(", ") || "none";
  }
  window.addEventListener("samtycke:change", function () { setTimeout(show, 50); });
  window.addEventListener("samtycke-demo:loaded", function () { setTimeout(show, 50); });
  window.addEventListener("load", function () { setTimeout(show, 50); });
})();
