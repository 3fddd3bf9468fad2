// Stand-in for the LinkedIn Insight Tag: first-party stand-ins for li_sugr and UserMatchHistory.
(function () {
  var id = Math.random().toString(16).slice(2);
  document.cookie = "li_sugr=" + id + "; path=/; max-age=" + 90 * 86400 + "; SameSite=Lax";
  document.cookie = "UserMatchHistory=" + id + "; path=/; max-age=" + 30 * 86400 + "; SameSite=Lax";
  window.samtyckeDemo = (window.samtyckeDemo || []).concat("linkedin");
  window.dispatchEvent(new Event("samtycke-demo:loaded"));
})();
