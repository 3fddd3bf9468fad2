// Stand-in for Hotjar: sets _hjIncludedInSample on this host only.
(function () {
  // A session cookie, as the declaration says: no max-age.
  document.cookie = "_hjIncludedInSample=1; path=/; SameSite=Lax";
  window.samtyckeDemo = (window.samtyckeDemo || []).concat("hotjar");
  window.dispatchEvent(new Event("samtycke-demo:loaded"));
})();
