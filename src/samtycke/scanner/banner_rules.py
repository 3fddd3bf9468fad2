"""How to find "Accept all", "Reject all", the settings and "Save" on common banners.

The selectors are facts about each platform's markup; the API calls are each
platform's documented JavaScript functions for the same choices. Open shadow
roots are walked and closed ones are recorded by the init script, so banners
drawn inside either are reachable too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Action = Literal["accept-all", "reject-all"]
# What to look for on a banner: the action's own button, the way to the
# second layer, or the button that saves the choices made there.
Kind = Literal["action", "settings", "save"]


@dataclass(frozen=True)
class BannerRule:
    """One platform: the selectors of its buttons."""

    name: str
    accept: tuple[str, ...]
    reject: tuple[str, ...]
    settings: tuple[str, ...] = ()
    save: tuple[str, ...] = ()

    def selectors(self, action: Action, kind: Kind = "action") -> tuple[str, ...]:
        """The selectors for ``kind`` of ``action``, most specific first."""
        if kind == "settings":
            return self.settings
        if kind == "save":
            return self.save
        return self.accept if action == "accept-all" else self.reject


@dataclass(frozen=True)
class ApiRule:
    """A platform's JavaScript API: the global object and the calls of each choice.

    A call is the function's name and its arguments; all calls of a choice run
    in order, each awaited.
    """

    name: str
    global_name: str
    accept: tuple[tuple[str | bool, ...], ...]
    reject: tuple[tuple[str | bool, ...], ...]


API: tuple[ApiRule, ...] = (
    ApiRule("onetrust", "OneTrust", accept=(("AllowAll",),), reject=(("RejectAll",),)),
    ApiRule(
        "cookiebot",
        "Cookiebot",
        accept=(("submitCustomConsent", True, True, True),),
        reject=(("submitCustomConsent", False, False, False),),
    ),
    ApiRule(
        "usercentrics",
        "__ucCmp",
        accept=(("acceptAllConsents",), ("saveConsents",)),
        reject=(("denyAllConsents",), ("saveConsents",)),
    ),
    ApiRule(
        "usercentrics",
        "UC_UI",
        accept=(("acceptAllConsents",),),
        reject=(("denyAllConsents",),),
    ),
    ApiRule(
        "didomi", "Didomi", accept=(("setUserAgreeToAll",),), reject=(("setUserDisagreeToAll",),)
    ),
)

SAMTYCKE = BannerRule(
    "samtycke",
    accept=('[data-samtycke-action="accept-all"]',),
    reject=('[data-samtycke-action="reject-all"]',),
)

RULES: tuple[BannerRule, ...] = (
    BannerRule(
        "onetrust",
        accept=("#onetrust-accept-btn-handler", "#accept-recommended-btn-handler"),
        reject=("#onetrust-reject-all-handler", ".ot-pc-refuse-all-handler"),
        settings=("#onetrust-pc-btn-handler",),
        save=(".save-preference-btn-handler",),
    ),
    BannerRule(
        "cookiebot",
        accept=(
            "#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll",
            "#CybotCookiebotDialogBodyButtonAccept",
        ),
        reject=("#CybotCookiebotDialogBodyButtonDecline",),
        settings=("#CybotCookiebotDialogBodyLevelButtonCustomize",),
        save=("#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowallSelection",),
    ),
    BannerRule(
        "didomi",
        accept=("#didomi-notice-agree-button",),
        reject=("#didomi-notice-disagree-button", ".didomi-continue-without-agreeing"),
        settings=("#didomi-notice-learn-more-button",),
        save=(".didomi-consent-popup-actions .didomi-button-highlight",),
    ),
    BannerRule(
        "usercentrics",
        accept=('[data-testid="uc-accept-all-button"]',),
        reject=('[data-testid="uc-deny-all-button"]',),
        settings=('[data-testid="uc-more-button"]',),
        save=('[data-testid="uc-save-button"]',),
    ),
    BannerRule(
        "sourcepoint",
        accept=("button.sp_choice_type_11",),
        reject=("button.sp_choice_type_13",),
        settings=("button.sp_choice_type_12",),
        save=("button.sp_choice_type_SAVE_AND_EXIT",),
    ),
    BannerRule(
        "trustarc",
        accept=("#truste-consent-button",),
        reject=("#truste-consent-required",),
        settings=("#truste-show-consent",),
    ),
    BannerRule(
        "quantcast",
        accept=('.qc-cmp2-summary-buttons button[mode="primary"]',),
        reject=('.qc-cmp2-summary-buttons button[mode="secondary"]',),
    ),
    BannerRule(
        "cookieyes",
        accept=(".cky-btn-accept",),
        reject=(".cky-btn-reject",),
        settings=(".cky-btn-customize",),
        save=(".cky-btn-preferences",),
    ),
    BannerRule(
        "iubenda",
        accept=(".iubenda-cs-accept-btn",),
        reject=(".iubenda-cs-reject-btn",),
        settings=(".iubenda-cs-customize-btn",),
    ),
    BannerRule(
        "osano",
        accept=(".osano-cm-accept-all",),
        reject=(".osano-cm-denyAll", ".osano-cm-deny"),
        settings=(".osano-cm-manage",),
        save=(".osano-cm-save",),
    ),
    BannerRule(
        "klaro",
        accept=(".klaro .cm-btn-accept-all", ".klaro .cm-btn-success"),
        reject=(".klaro .cn-decline", ".klaro .cm-btn-decline"),
        settings=(".klaro .cn-learn-more",),
        save=(".klaro .cm-btn-accept",),
    ),
    BannerRule(
        "vanilla-cookieconsent",
        accept=('#cc-main button[data-role="all"]', "#cc_div #c-p-bn"),
        reject=('#cc-main button[data-role="necessary"]', "#cc_div #c-s-bn"),
        settings=('#cc-main button[data-role="show"]',),
        save=('#cc-main button[data-role="save"]',),
    ),
    BannerRule(
        "complianz",
        accept=(".cmplz-btn.cmplz-accept",),
        reject=(".cmplz-btn.cmplz-deny",),
        settings=(".cmplz-btn.cmplz-view-preferences",),
        save=(".cmplz-btn.cmplz-save-preferences",),
    ),
    BannerRule(
        "tarteaucitron",
        accept=("#tarteaucitronPersonalize2", "#tarteaucitronAllAllowed"),
        reject=("#tarteaucitronAllDenied2", "#tarteaucitronAllDenied"),
    ),
)

# Button texts in en, sv, fi, nb, da, de, fr, es, it, nl, pl and pt, compared
# after lower-casing, collapsing whitespace and dropping trailing arrows and
# dots; a button matches when its whole text is one of them. "settings" opens
# the second layer, "save" confirms the choices made there.
_ACCEPT = {
    "en": "accept all|accept all cookies|allow all|allow all cookies|accept|accept cookies|"
    "i accept|agree|i agree|agree and close|agree to all|ok|got it|accept and close|"
    "accept and continue|yes, i agree",
    "sv": "godkänn alla|godkänn alla cookies|acceptera alla|acceptera alla cookies|tillåt alla|"
    "tillåt alla cookies|godkänn|acceptera|jag godkänner|jag förstår|okej",
    "fi": "hyväksy kaikki|hyväksy kaikki evästeet|salli kaikki|salli kaikki evästeet|hyväksy|"
    "hyväksyn|hyväksy evästeet",
    "nb": "godta alle|godta alle informasjonskapsler|aksepter alle|tillat alle|godta|aksepter|"
    "jeg godtar|godta alle cookies",
    "da": "accepter alle|accepter alle cookies|tillad alle|tillad alle cookies|accepter|"
    "jeg accepterer|ok, accepter|godkend alle",
    "de": "alle akzeptieren|alle cookies akzeptieren|alle zulassen|akzeptieren|zustimmen|"
    "alle annehmen|einverstanden|ich stimme zu|alle erlauben|akzeptieren und schließen|"
    "allen zustimmen",
    "fr": "tout accepter|accepter tout|accepter|j'accepte|accepter et fermer|tout autoriser|"
    "accepter les cookies|autoriser tous les cookies|accepter tous les cookies|"
    "ok pour moi|accepter et continuer",
    "es": "aceptar todo|aceptar todas|aceptar|acepto|aceptar todas las cookies|"
    "permitir todas|aceptar y cerrar|aceptar cookies|aceptar y continuar",
    "it": "accetta tutto|accetta tutti|accetta|accetto|accetta tutti i cookie|consenti tutti|"
    "accetta e chiudi|accetta e continua",
    "nl": "alles accepteren|alle cookies accepteren|accepteren|akkoord|alles toestaan|"
    "alle toestaan|ik ga akkoord|accepteer alles|accepteer alle cookies",
    "pl": "akceptuj wszystkie|zaakceptuj wszystkie|akceptuję|zgadzam się|zezwól na wszystkie|"
    "akceptuj|akceptuj wszystko|zaakceptuj|przejdź do serwisu",
    "pt": "aceitar tudo|aceitar todos|aceitar|aceito|aceitar todos os cookies|permitir todos|"
    "aceitar e fechar|concordo|aceitar e continuar",
}
_REJECT = {
    "en": "reject all|reject all cookies|reject|decline|decline all|deny|deny all|refuse all|"
    "only necessary|necessary only|only necessary cookies|use necessary cookies only|"
    "reject optional cookies|disagree|disagree to all|i do not accept|continue without accepting|"
    "accept only essential cookies|only essential cookies|essential cookies only|"
    "allow necessary cookies only|reject non-essential cookies",
    "sv": "avvisa alla|neka alla|avböj alla|avböj|neka|avvisa|endast nödvändiga|"
    "bara nödvändiga|endast nödvändiga cookies|tillåt endast nödvändiga|neka alla cookies|"
    "godkänn endast nödvändiga|avvisa alla cookies",
    "fi": "hylkää kaikki|hylkää|kieltäydy|vain välttämättömät|vain välttämättömät evästeet|"
    "hylkää kaikki evästeet|salli vain välttämättömät|kiellä kaikki",
    "nb": "avvis alle|avslå alle|avslå|avvis|kun nødvendige|kun nødvendige informasjonskapsler|"
    "bare nødvendige|tillat bare nødvendige|avvis alle informasjonskapsler",
    "da": "afvis alle|afvis|afslå|afslå alle|kun nødvendige|kun nødvendige cookies|"
    "tillad kun nødvendige|tillad kun nødvendige cookies|afvis alle cookies",
    "de": "alle ablehnen|ablehnen|nur notwendige|nur notwendige cookies|nur erforderliche|"
    "nur erforderliche cookies|nicht zustimmen|nur essenzielle cookies|nur essenzielle|"
    "nur notwendige cookies akzeptieren|alle cookies ablehnen|optionale cookies ablehnen",
    "fr": "tout refuser|refuser tout|refuser|je refuse|continuer sans accepter|"
    "refuser les cookies|refuser tous les cookies|cookies nécessaires uniquement|"
    "uniquement les cookies nécessaires|refuser et fermer",
    "es": "rechazar todo|rechazar todas|rechazar|rechazo|denegar|solo necesarias|"
    "solo las necesarias|rechazar todas las cookies|solo cookies necesarias|"
    "continuar sin aceptar|rechazar cookies",
    "it": "rifiuta tutto|rifiuta tutti|rifiuta|rifiuto|solo necessari|solo cookie necessari|"
    "continua senza accettare|rifiuta tutti i cookie|nega|solo i necessari",
    "nl": "alles weigeren|alle cookies weigeren|weigeren|afwijzen|alles afwijzen|"
    "alleen noodzakelijke|alleen noodzakelijke cookies|weiger alles|weiger alle cookies|"
    "alleen functionele cookies",
    "pl": "odrzuć wszystkie|odrzuć|odmawiam|tylko niezbędne|tylko niezbędne pliki cookie|"
    "odrzuć wszystko|nie zgadzam się|odrzuć opcjonalne",
    "pt": "rejeitar tudo|rejeitar todos|rejeitar|recusar|recusar tudo|apenas necessários|"
    "apenas os necessários|rejeitar todos os cookies|recusar todos|só necessários",
}
_SETTINGS = {
    "en": "settings|cookie settings|manage settings|manage preferences|manage cookies|"
    "customize|customise|preferences|more options|options|manage options|let me choose|"
    "show purposes|show details|cookie preferences|manage choices|learn more",
    "sv": "inställningar|cookie-inställningar|cookieinställningar|anpassa|hantera cookies|"
    "hantera inställningar|visa detaljer|fler alternativ|välj själv",
    "fi": "asetukset|evästeasetukset|muokkaa|hallinnoi evästeitä|näytä tiedot|lisää vaihtoehtoja",
    "nb": "innstillinger|tilpass|administrer informasjonskapsler|vis detaljer|flere valg",
    "da": "indstillinger|cookie-indstillinger|tilpas|administrer cookies|vis detaljer|flere valg",
    "de": "einstellungen|cookie-einstellungen|anpassen|individuelle einstellungen|"
    "einstellungen verwalten|mehr optionen|details anzeigen|optionen verwalten",
    "fr": "paramètres|paramétrer|personnaliser|gérer les cookies|gérer mes choix|"
    "en savoir plus|plus d'options|gérer les préférences|préférences",
    "es": "configuración|configurar|personalizar|gestionar cookies|más opciones|"
    "preferencias|ajustes de cookies|configurar cookies",
    "it": "impostazioni|personalizza|gestisci cookie|gestisci preferenze|più opzioni|"
    "preferenze|scopri di più e personalizza",
    "nl": "instellingen|cookie-instellingen|aanpassen|voorkeuren|cookies beheren|"
    "meer opties|instellingen beheren",
    "pl": "ustawienia|ustawienia plików cookie|dostosuj|zarządzaj|więcej opcji|preferencje",
    "pt": "definições|configurações|personalizar|gerir cookies|gerenciar cookies|mais opções|"
    "preferências",
}
_SAVE = {
    "en": "save|save settings|save preferences|save and exit|save and close|confirm my choices|"
    "confirm choices|save my choices|allow selection|save choices|confirm selection|"
    "accept selected|save & exit|save selection|submit",
    "sv": "spara|spara inställningar|spara val|bekräfta mina val|tillåt urval|spara och stäng|"
    "bekräfta val",
    "fi": "tallenna|tallenna asetukset|tallenna valinnat|vahvista valinnat|salli valinta",
    "nb": "lagre|lagre innstillinger|lagre valg|bekreft mine valg|tillat utvalg",
    "da": "gem|gem indstillinger|gem valg|bekræft mine valg|tillad valgte",
    "de": "speichern|einstellungen speichern|auswahl speichern|auswahl erlauben|"
    "auswahl bestätigen|meine auswahl bestätigen|speichern und schließen",
    "fr": "enregistrer|enregistrer mes choix|confirmer mes choix|sauvegarder|valider|"
    "enregistrer et fermer|autoriser la sélection",
    "es": "guardar|guardar configuración|guardar preferencias|confirmar mis opciones|"
    "permitir selección|guardar y salir|confirmar selección",
    "it": "salva|salva impostazioni|salva preferenze|conferma le mie scelte|consenti selezione|"
    "salva ed esci|conferma",
    "nl": "opslaan|instellingen opslaan|voorkeuren opslaan|mijn keuzes bevestigen|"
    "selectie toestaan|opslaan en sluiten",
    "pl": "zapisz|zapisz ustawienia|zapisz preferencje|potwierdź moje wybory|zezwól na wybór",
    "pt": "guardar|salvar|guardar preferências|salvar preferências|confirmar as minhas escolhas|"
    "permitir seleção|confirmar escolhas",
}


def _phrases(table: dict[str, str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for text in table.values() for p in text.split("|")))


LANGUAGES = tuple(_ACCEPT)
TEXTS: dict[str, tuple[str, ...]] = {
    "accept-all": _phrases(_ACCEPT),
    "reject-all": _phrases(_REJECT),
    "settings": _phrases(_SETTINGS),
    "save": _phrases(_SAVE),
}
