// Contextual consent for embedded content: a placeholder in place of each gated iframe.
import { h } from "./dom";
import type { Ui } from "./ui";

// Well-known embeds by host, so the placeholder can say what it holds even when undeclared.
const KNOWN: [RegExp, string][] = [
  [/(^|\.)(youtube(-nocookie)?\.com|youtu\.be)\//, "YouTube"],
  [/(^|\.)vimeo\.com\//, "Vimeo"],
  [/(^|\.)google\.[a-z.]+\/maps/, "Google Maps"],
];

/** YouTube through its cookieless host, everything else as given. */
export const nocookie = (src: string): string =>
  src.replace(/^(https?:)?\/\/(www\.)?youtube\.com\/embed\//, "https://www.youtube-nocookie.com/embed/");

/** The placeholder of one gated iframe: what it is, why it waits, "load once", "always allow". */
export function placeholder(ui: Ui, f: HTMLIFrameElement): HTMLElement {
  const { c, t } = ui;
  const cat = f.dataset.category!;
  const info = c.categories.find((x) => x.id == cat);
  const declared = info?.services.find((s) => s.id == f.dataset.service);
  let where = "";
  try {
    const u = new URL(f.dataset.src!, location.href);
    where = u.hostname + u.pathname;
  } catch {
    // an unparsable URL names nothing
  }
  const name = declared?.name || KNOWN.find(([re]) => re.test(where))?.[1] || "";
  const fill = (s: string) =>
    s.replace("{category}", ui.tx(info?.name ?? {}) || cat).replace("{service}", name);
  const box = h(
    "div",
    { class: "stk-ph", lang: ui.lang, role: "region", "aria-label": name || f.title || cat },
    h("p", {}, fill(name ? t.embed_blocked : t.blocked)),
    h(
      "div",
      { class: "stk-a" },
      h("button", { type: "button", class: "stk-btn", "data-samtycke-once": "" }, t.load_once),
      h(
        "button",
        {
          type: "button",
          class: "stk-btn",
          "data-samtycke-allow": cat,
          // Only a declared service can be allowed on its own; otherwise the category is.
          "data-samtycke-service": declared?.id,
        },
        fill(declared ? t.allow_service : t.allow),
      ),
    ),
  );
  // The placeholder takes the iframe's place and size, so nothing moves when it loads.
  box.style.width = f.width ? f.width + "px" : "";
  box.style.minHeight = f.height ? f.height + "px" : "";
  return box;
}
