// Stand-in for the Meta pixel: sets _fbp (fb.<subdomain index>.<ms>.<random>) on this host only.
(function () {
  var value = "fb.1." + Date.now() + "." + Math.floor(Math.random() * 1e10);
  document.cookie = "_fbp=" + value + "; path=/; max-age=" + 90 * 86400 + "; SameSite=Lax";
  window.samtyckeDemo = (window.samtyckeDemo || []).concat("meta-pixel");
  window.dispatchEvent(new Event("samtycke-demo:loaded"));
})();
