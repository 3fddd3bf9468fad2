// The layers: first layer, settings (preference centre), signal notice, reopen button, placeholder.
import { h } from "./dom";
import type { CategoryInfo, Config, Texts } from "./types";

/** The choices being edited in the settings layer. */
export interface Draft {
  cats: Set<string>;
  refused: Set<string>;
}

export class Ui {
  constructor(
    public c: Config,
    public lang: string,
  ) {}

  get t(): Texts {
    return this.c.texts[this.lang];
  }

  /** A declaration text in the current language (Python gives every language, fallbacks applied). */
  tx(o: Texts): string {
    return o[this.lang] ?? "";
  }

  btn(action: string, cls = "stk-btn", text = action.replace("-", "_")): HTMLElement {
    return h(
      "button",
      { type: "button", class: cls, "data-samtycke-action": action },
      this.t[text],
    );
  }

  actions(third: string): HTMLElement {
    return h(
      "div",
      { class: "stk-a" },
      this.btn("accept-all"),
      this.btn("reject-all"),
      this.btn(third),
    );
  }

  banner(policy: string | null): HTMLElement {
    const { c, t } = this;
    return h(
      "section",
      { class: "stk-b", role: "dialog", "aria-labelledby": "stk-t", "aria-describedby": "stk-d" },
      c.theme.logo && h("img", { class: "stk-logo", src: c.theme.logo, alt: "" }),
      h("h2", { id: "stk-t", tabindex: -1 }, t.title),
      // Only the text scrolls when space is short: heading and the three buttons stay in view.
      h(
        "div",
        { class: "stk-bt" },
        h("p", { id: "stk-d" }, t.intro),
        // Who else receives data, linked to the list of them; how long choices and cookies last.
        t.parties &&
          h("p", {}, policy ? h("a", { href: policy + "#samtycke-parties" }, t.parties) : t.parties),
        h("p", {}, t.lifetimes),
        policy && h("p", {}, h("a", { href: policy }, t.policy)),
      ),
      this.actions("settings"),
    );
  }

  settings(d: Draft): HTMLElement {
    const { c, t } = this;
    return h(
      "div",
      { class: "stk-o" },
      h(
        "div",
        { class: "stk-m", role: "dialog", "aria-modal": "true", "aria-labelledby": "stk-st" },
        h(
          "div",
          { class: "stk-h" },
          h("h2", { id: "stk-st", tabindex: -1 }, t.settings_title),
          c.languages.length > 1 &&
            h(
              "select",
              { id: "stk-lang", "aria-label": t.language },
              c.languages.map((l) =>
                h(
                  "option",
                  { value: l, lang: l, selected: l == this.lang },
                  c.texts[l].language_name,
                ),
              ),
            ),
          h(
            "button",
            {
              type: "button",
              class: "stk-x",
              "data-samtycke-action": "close",
              "aria-label": t.close,
            },
            "✕",
          ),
        ),
        h("p", {}, t.settings_intro),
        c.categories.map((cat) => this.category(cat, d)),
        this.actions("save"),
      ),
    );
  }

  category(cat: CategoryInfo, d: Draft): HTMLElement {
    const t = this.t;
    const id = "stk-c-" + cat.id;
    return h(
      "div",
      { class: "stk-c" },
      h(
        "div",
        { class: "stk-ch" },
        h("h3", {}, h("label", { for: id }, this.tx(cat.label))),
        !cat.refusable && h("span", {}, t.always_on),
        sw(cat, d, id),
      ),
      h("p", {}, this.tx(cat.description)),
      cat.services.length > 0 &&
        h(
          "ul",
          { class: "stk-sv", "aria-label": t.services },
          cat.services.map((s) =>
            h("li", {}, h("label", {}, sw(cat, d, null, s.id), `${s.name} (${s.provider})`)),
          ),
        ),
      cat.cookies.length > 0 &&
        h(
          "details",
          {},
          h("summary", {}, `${t.cookies} (${cat.cookies.length})`),
          h(
            "ul",
            { class: "stk-k" },
            cat.cookies.map((k) =>
              h(
                "li",
                {},
                h("b", {}, k.name),
                ` · ${k.provider} · ${k.domain}`,
                k.third_party && [" · ", h("b", {}, t.third_party)],
                ` · ${this.tx(k.expires)}`,
                k.purpose && [h("br"), this.tx(k.purpose)],
              ),
            ),
          ),
        ),
    );
  }

  notice(method: string): HTMLElement {
    return h(
      "section",
      { class: "stk-n", "aria-label": this.t.settings_title },
      h("p", {}, this.t[method]),
      h("div", { class: "stk-a" }, this.btn("settings"), this.btn("close")),
    );
  }
}

/** A switch is on when its category is (and its service not refused); necessary is locked on. */
function sw(cat: CategoryInfo, d: Draft, id: string | null, service?: string): HTMLElement {
  return h("input", {
    type: "checkbox",
    role: "switch",
    class: "stk-sw",
    id,
    "data-c": cat.id,
    "data-s": service,
    checked: !cat.refusable || (d.cats.has(cat.id) && !(service && d.refused.has(service))),
    disabled: !cat.refusable,
  });
}
