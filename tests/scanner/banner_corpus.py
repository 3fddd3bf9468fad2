"""A corpus of consent banners modelled on the common platforms' markup and flows.

Written for samtycke's tests: each banner uses the ids, classes, layers and
JavaScript objects its platform is known by, with its own small script. A
banner records the visitor's answer as a cookie, ``choice_accept``,
``choice_reject`` or ``choice_partial`` (saved with some purpose still on), so
a test can tell a correct rejection from a wrong one.
"""

from __future__ import annotations

from dataclasses import dataclass

# Shared by every banner: record the answer and take the banner away.
HELPERS = """<script>
window.decide = function (kind, root) {
  document.cookie = "choice_" + kind + "=1; path=/";
  (root || document).querySelectorAll(".cmp-root").forEach(function (el) { el.remove(); });
  var host = document.getElementById("cmp-host"); if (host) host.remove();
};
// "Save" with purposes: a rejection only when every optional one is off.
window.saveFrom = function (box) {
  var on = Array.prototype.some.call(
    box.querySelectorAll('input[type=checkbox]:not([disabled]), [role=switch]'),
    function (t) { return t.tagName === "INPUT" ? t.checked : t.getAttribute("aria-checked") === "true"; });
  decide(on ? "partial" : "reject", box.getRootNode());
};
// A banner in a cross-site frame reports the answer by message.
window.addEventListener("message", function (e) {
  if (typeof e.data === "string" && e.data.indexOf("choice:") === 0) decide(e.data.slice(7));
});
window.wire = function (root) {
  root.querySelectorAll("[data-do]").forEach(function (b) {
    b.addEventListener("click", function (e) {
      e.preventDefault();
      var what = b.getAttribute("data-do");
      if (what === "open") { root.querySelector(".layer2").style.display = "block"; b.closest(".layer1").style.display = "none"; }
      else if (what === "save") saveFrom(b.closest(".layer2"));
      else decide(what, root);
    });
  });
  root.querySelectorAll("[role=switch]").forEach(function (s) {
    s.addEventListener("click", function () {
      s.setAttribute("aria-checked", s.getAttribute("aria-checked") === "true" ? "false" : "true");
    });
  });
};
</script>"""

STYLE = (
    "position:fixed;bottom:0;left:0;right:0;padding:12px;background:#fff;"
    "border-top:1px solid #999;z-index:1000"
)


@dataclass(frozen=True)
class Banner:
    """One banner of the corpus: its page body and where it comes from."""

    name: str
    body: str
    frame: str = ""  # HTML of the page its iframe loads, when it has one
    cross_site_frame: bool = False


def _page(inner: str, *, delay_ms: int = 0, interval: bool = False) -> str:
    """The banner markup, wired at once or inserted after ``delay_ms``."""
    markup = inner.replace("`", "\\`")
    if not delay_ms:
        return inner + "<script>wire(document);</script>"
    if interval:
        # Polls until its "configuration" is ready, as many CMP loaders do.
        show = (
            "var t0 = Date.now(); var iv = setInterval(function () {"
            f" if (Date.now() - t0 < {delay_ms}) return; clearInterval(iv);"
            " document.body.insertAdjacentHTML('beforeend', `" + markup + "`); wire(document);"
            " }, 100);"
        )
    else:
        show = (
            "setTimeout(function () { document.body.insertAdjacentHTML('beforeend', `"
            + markup
            + f"`); wire(document); }}, {delay_ms});"
        )
    return f"<script>{show}</script>"


def _toggles(n: int = 3, switch: bool = False) -> str:
    if switch:
        return "".join(
            f'<span role="switch" aria-checked="true" tabindex="0">Purpose {i}</span> '
            for i in range(n)
        )
    return '<label><input type="checkbox" checked disabled> Necessary</label> ' + "".join(
        f'<label><input type="checkbox" checked> Purpose {i}</label> ' for i in range(n)
    )


def _two(first: str, second: str, root_attrs: str = 'class="cmp-root"') -> str:
    return (
        f'<div {root_attrs} style="{STYLE}"><div class="layer1">{first}</div>'
        f'<div class="layer2" role="dialog" style="display:none">{second}</div></div>'
    )


def _one(inner: str, root_attrs: str = 'class="cmp-root"') -> str:
    return f'<div {root_attrs} style="{STYLE}">{inner}</div>'


def _text_banner(text: str, accept: str, reject: str) -> str:
    return _one(
        f'<p>{text}</p><button data-do="accept">{accept}</button> '
        f'<button data-do="reject">{reject}</button>'
    )


def _text_two_layer(text: str, accept: str, settings: str, save: str) -> str:
    return _two(
        f'<p>{text}</p><button data-do="accept">{accept}</button> '
        f'<button data-do="open">{settings}</button>',
        f'{_toggles()}<button data-do="save">{save}</button>',
    )


def _api(obj: str, methods: str) -> str:
    """A platform object whose methods record the answer, as its real API would."""
    return f"<script>window.{obj} = {{ {methods} }};</script>"


def _shadow(inner: str, mode: str) -> str:
    return (
        '<div id="cmp-host"></div><script>(function () {'
        f'var root = document.getElementById("cmp-host").attachShadow({{mode: "{mode}"}});'
        f"root.innerHTML = `{inner}`; wire(root); }})();</script>"
    )


CORPUS: tuple[Banner, ...] = (
    # --- OneTrust ---------------------------------------------------------------------
    Banner(
        "onetrust",
        _one(
            '<button id="onetrust-accept-btn-handler" data-do="accept">Accept All Cookies</button>'
            '<button id="onetrust-reject-all-handler" data-do="reject">Reject All</button>',
            'id="onetrust-banner-sdk" class="cmp-root"',
        )
        + "<script>wire(document);</script>",
    ),
    Banner(
        "onetrust two layers",
        _two(
            '<button id="onetrust-accept-btn-handler" data-do="accept">Accept All Cookies</button>'
            '<button id="onetrust-pc-btn-handler" data-do="open">Cookies Settings</button>',
            '<div id="onetrust-pc-sdk">'
            + _toggles()
            + '<button class="ot-pc-refuse-all-handler" data-do="reject">Reject All</button>'
            '<button class="save-preference-btn-handler" data-do="save">Confirm My Choices</button>'
            "</div>",
            'id="onetrust-consent-sdk" class="cmp-root"',
        )
        + "<script>wire(document);</script>",
    ),
    Banner(
        "onetrust api",
        _one(
            "<p>We and our partners use cookies.</p>"
            '<button id="onetrust-accept-btn-handler" data-do="accept">I understand</button>',
            'id="onetrust-banner-sdk" class="cmp-root"',
        )
        + "<script>wire(document);</script>"
        + _api(
            "OneTrust",
            "AllowAll: function () { decide('accept'); }, "
            "RejectAll: function () { decide('reject'); }",
        ),
    ),
    # --- Cookiebot --------------------------------------------------------------------
    Banner(
        "cookiebot",
        _one(
            '<button id="CybotCookiebotDialogBodyButtonDecline" data-do="reject">Deny</button>'
            '<button id="CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll" data-do="accept">'
            "Allow all</button>",
            'id="CybotCookiebotDialog" class="cmp-root"',
        )
        + "<script>wire(document);</script>",
    ),
    Banner(
        "cookiebot customize",
        _two(
            '<button id="CybotCookiebotDialogBodyLevelButtonCustomize" data-do="open">Customize'
            '</button><button id="CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll" '
            'data-do="accept">Allow all</button>',
            _toggles()
            + '<button id="CybotCookiebotDialogBodyLevelButtonLevelOptinAllowallSelection" '
            'data-do="save">Allow selection</button>',
            'id="CybotCookiebotDialog" class="cmp-root"',
        )
        + "<script>wire(document);</script>",
    ),
    Banner(
        "cookiebot api",
        _one(
            '<button id="CybotCookiebotDialogBodyButtonAccept" data-do="accept">OK</button>',
            'id="CybotCookiebotDialog" class="cmp-root"',
        )
        + "<script>wire(document);</script>"
        + _api(
            "Cookiebot",
            "submitCustomConsent: function (p, s, m) { decide(p || s || m ? 'partial' : "
            "'reject'); }",
        ),
    ),
    # --- Usercentrics (shadow DOM) --------------------------------------------------
    Banner(
        "usercentrics",
        '<div id="usercentrics-root"></div><script>(function () {'
        'var root = document.getElementById("usercentrics-root").attachShadow({mode: "open"});'
        'root.innerHTML = \'<div class="cmp-root"><button data-testid="uc-deny-all-button" '
        'data-do="reject">Deny</button><button data-testid="uc-accept-all-button" '
        'data-do="accept">Accept All</button></div>\'; wire(root); })();</script>',
    ),
    Banner(
        "usercentrics more",
        _shadow(
            _two(
                '<button data-testid="uc-more-button" data-do="open">More Information</button>'
                '<button data-testid="uc-accept-all-button" data-do="accept">Accept All</button>',
                _toggles(switch=True)
                + '<button data-testid="uc-save-button" data-do="save">Save Settings</button>',
            ),
            "open",
        ),
    ),
    Banner(
        "usercentrics api",
        _api(
            "__ucCmp",
            "acceptAllConsents: function () { window.ucPending = 'accept'; "
            "return Promise.resolve(); }, "
            "denyAllConsents: function () { window.ucPending = 'reject'; "
            "return Promise.resolve(); }, "
            "saveConsents: function () { return new Promise(function (ok) { "
            "setTimeout(function () { decide(window.ucPending); ok(); }, 50); }); }",
        ),
    ),
    # --- Didomi -----------------------------------------------------------------------
    Banner(
        "didomi",
        _one(
            '<button id="didomi-notice-disagree-button" data-do="reject">Disagree</button>'
            '<button id="didomi-notice-agree-button" data-do="accept">Agree and close</button>',
            'id="didomi-host" class="cmp-root"',
        )
        + "<script>wire(document);</script>",
    ),
    Banner(
        "didomi learn more",
        _two(
            '<button id="didomi-notice-learn-more-button" data-do="open">Learn More</button>'
            '<button id="didomi-notice-agree-button" data-do="accept">Agree and close</button>',
            '<div class="didomi-consent-popup-actions">'
            '<button data-do="reject">Disagree to all</button>'
            '<button data-do="accept">Agree to all</button></div>',
            'id="didomi-host" class="cmp-root"',
        )
        + "<script>wire(document);</script>",
    ),
    Banner(
        "didomi api",
        _api(
            "Didomi",
            "setUserAgreeToAll: function () { decide('accept'); }, "
            "setUserDisagreeToAll: function () { decide('reject'); }",
        ),
    ),
    # --- Sourcepoint (its message lives in an iframe) ---------------------------------
    Banner(
        "sourcepoint iframe",
        '<iframe id="sp_message_iframe_123" src="/frame/sourcepoint iframe" title="SP Consent"'
        ' style="position:fixed;bottom:0;width:100%;height:160px;border:0"></iframe>'
        "<script>window._sp_ = { config: {} };</script>",
        frame=(
            '<div class="message"><button class="sp_choice_type_11" title="Accept All" '
            "onclick=\"parent.decide('accept')\">Accept All</button>"
            '<button class="sp_choice_type_13" title="Reject All" '
            "onclick=\"parent.decide('reject')\">Reject All</button></div>"
        ),
    ),
    Banner(
        "sourcepoint options",
        '<iframe id="sp_message_iframe_456" src="/frame/sourcepoint options" title="SP Consent"'
        ' style="position:fixed;bottom:0;width:100%;height:200px;border:0"></iframe>',
        frame=(
            _two(
                '<button class="sp_choice_type_12" data-do="open">Options</button>'
                '<button class="sp_choice_type_11" data-do="accept">Accept</button>',
                _toggles() + '<button class="sp_choice_type_SAVE_AND_EXIT" data-do="save">'
                "Save &amp; Exit</button>",
            )
            + "<script>window.decide = parent.decide; wire(document);</script>"
        ),
    ),
    # --- TCF CMPs: Quantcast-like with __tcfapi -------------------------------------
    Banner(
        "quantcast tcf",
        '<div class="qc-cmp2-container cmp-root" style="' + STYLE + '">'
        '<div class="qc-cmp2-summary-buttons"><button mode="secondary" data-do="reject">'
        'DISAGREE</button><button mode="primary" data-do="accept">AGREE</button></div></div>'
        "<script>wire(document); window.__tcfapi = function (cmd, v, cb) {"
        " cb({ gdprApplies: true, eventStatus: 'cmpuishown' }, true); };</script>",
    ),
    # --- other platforms ----------------------------------------------------------------
    Banner(
        "trustarc",
        _one(
            '<button id="truste-consent-button" data-do="accept">Agree and Proceed</button>'
            '<button id="truste-consent-required" data-do="reject">Required Only</button>',
            'id="truste-consent-track" class="cmp-root"',
        )
        + "<script>wire(document);</script>",
    ),
    Banner(
        "cookieyes customize",
        _two(
            '<button class="cky-btn cky-btn-customize" data-do="open">Customise</button>'
            '<button class="cky-btn cky-btn-accept" data-do="accept">Accept All</button>',
            _toggles() + '<button class="cky-btn cky-btn-preferences" data-do="save">'
            "Save My Preferences</button>",
        )
        + "<script>wire(document);</script>",
    ),
    Banner(
        "complianz",
        _one(
            '<button class="cmplz-btn cmplz-accept" data-do="accept">Accept</button>'
            '<button class="cmplz-btn cmplz-deny" data-do="reject">Deny</button>',
            'class="cmplz-cookiebanner cmp-root"',
        )
        + "<script>wire(document);</script>",
    ),
    Banner(
        "klaro",
        _one(
            '<div class="cookie-notice"><button class="cm-btn cn-decline" data-do="reject">'
            'I decline</button><button class="cm-btn cm-btn-success cm-btn-accept-all" '
            'data-do="accept">Accept all</button></div>',
            'class="klaro cmp-root"',
        )
        + "<script>wire(document);</script>",
    ),
    Banner(
        "vanilla-cookieconsent settings",
        _two(
            '<button data-role="all" data-do="accept">Accept all</button>'
            '<button data-role="show" data-do="open">Manage preferences</button>',
            _toggles() + '<button data-role="necessary" data-do="reject">Reject all</button>'
            '<button data-role="save" data-do="save">Save preferences</button>',
            'id="cc-main" class="cmp-root"',
        )
        + "<script>wire(document);</script>",
    ),
    Banner(
        "iubenda",
        _one(
            '<button class="iubenda-cs-reject-btn" data-do="reject">Reject</button>'
            '<button class="iubenda-cs-accept-btn" data-do="accept">Accept</button>',
            'id="iubenda-cs-banner" class="cmp-root"',
        )
        + "<script>wire(document);</script>",
    ),
    Banner(
        "osano",
        _one(
            '<button class="osano-cm-denyAll" data-do="reject">Deny</button>'
            '<button class="osano-cm-accept-all" data-do="accept">Accept All</button>',
            'class="osano-cm-dialog cmp-root"',
        )
        + "<script>wire(document);</script>",
    ),
    # --- late, framed and hidden banners, by text --------------------------------------
    Banner(
        "late timer 3 s",
        _page(_text_banner("We use cookies.", "Accept all", "Reject all"), delay_ms=3000),
    ),
    Banner(
        "late polling 3.5 s",
        _page(
            _text_banner("We use cookies.", "Allow all", "Only necessary"),
            delay_ms=3500,
            interval=True,
        ),
    ),
    Banner(
        "closed shadow root",
        _shadow(_text_banner("We use cookies.", "Accept", "Decline"), "closed"),
    ),
    Banner(
        "cross-site iframe",
        '<iframe src="{third}/frame/cross-site iframe" title="consent"'
        ' style="position:fixed;bottom:0;width:100%;height:140px;border:0"></iframe>',
        frame=(
            _text_banner("This site uses cookies.", "Accept all", "Reject all")
            + "<script>window.decide = function (kind) {"
            " parent.postMessage('choice:' + kind, '*'); }; wire(document);</script>"
        ),
        cross_site_frame=True,
    ),
    Banner(
        "reject as a link",
        _one(
            '<p>Cookies help us. <a href="#" data-do="reject">Continue without accepting</a></p>'
            '<button data-do="accept">Accept and close</button>'
        )
        + "<script>wire(document);</script>",
    ),
    # --- the text heuristic in each language ---------------------------------------
    Banner("text sv", _page(_text_banner("Vi använder cookies.", "Godkänn alla", "Neka alla"))),
    Banner(
        "text fi", _page(_text_banner("Käytämme evästeitä.", "Hyväksy kaikki", "Hylkää kaikki"))
    ),
    Banner(
        "text nb",
        _page(_text_banner("Vi bruker informasjonskapsler.", "Godta alle", "Avvis alle")),
    ),
    Banner("text da", _page(_text_banner("Vi bruger cookies.", "Accepter alle", "Afvis alle"))),
    Banner(
        "text de",
        _page(
            _text_two_layer(
                "Wir verwenden Cookies.", "Alle akzeptieren", "Einstellungen", "Auswahl speichern"
            )
        ),
    ),
    Banner("text en", _page(_text_banner("We use cookies.", "Accept all cookies", "Reject all"))),
    Banner(
        "text fr",
        _page(
            _text_two_layer(
                "Nous utilisons des cookies.",
                "Tout accepter",
                "Personnaliser",
                "Enregistrer mes choix",
            )
        ),
    ),
    Banner("text es", _page(_text_banner("Usamos cookies.", "Aceptar todo", "Rechazar todo"))),
    Banner(
        "text it",
        _page(
            _text_two_layer(
                "Utilizziamo i cookie.", "Accetta tutti", "Personalizza", "Salva preferenze"
            )
        ),
    ),
    Banner(
        "text nl",
        _page(_text_banner("Wij gebruiken cookies.", "Alles accepteren", "Alles weigeren")),
    ),
    Banner(
        "text pl",
        _page(
            _text_two_layer(
                "Używamy plików cookie.", "Akceptuj wszystkie", "Ustawienia", "Zapisz ustawienia"
            )
        ),
    ),
    Banner(
        "text pt",
        _page(_text_banner("Utilizamos cookies.", "Aceitar todos", "Rejeitar todos")),
    ),
    # --- hard cases, kept so the rates stay honest -----------------------------------
    Banner(
        "icon-only close means reject",
        _one(
            "<p>By continuing you accept cookies.</p>"
            '<button data-do="accept">Accept</button>'
            '<button aria-label="Fermer" data-do="reject">×</button>'
        )
        + "<script>wire(document);</script>",
    ),
    Banner(
        "accept only",
        _one('<p>This site uses cookies.</p><button data-do="accept">Got it</button>')
        + "<script>wire(document);</script>",
    ),
)
