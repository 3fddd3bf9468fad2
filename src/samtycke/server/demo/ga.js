// Stand-in for Google Analytics: sets _ga and _gid the way gtag.js names them, on this host only.
(function () {
  var now = Math.floor(Date.now() / 1000);
  var id = Math.floor(Math.random() * 2147483647) + "." + now;
  document.cookie = "_ga=GA1.1." + id + "; path=/; max-age=" + 730 * 86400 + "; SameSite=Lax";
  document.cookie = "_gid=GA1.1." + id + "; path=/; max-age=86400; SameSite=Lax";
  window.samtyckeDemo = (window.samtyckeDemo || []).concat("google-analytics");
  window.dispatchEvent(new Event("samtycke-demo:loaded"));
})();
