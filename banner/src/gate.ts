// Gated scripts and iframes: inert until their category (and service) is accepted.
import { $$ } from "./dom";
import { nocookie } from "./embed";

export type Allow = (category: string, service?: string) => boolean;

/** What gated content has run on this page (withdrawing it then needs a reload). */
export const ran = new Set<string>();

const allowed = (e: HTMLElement, ok: Allow) => ok(e.dataset.category!, e.dataset.service);
// "category" or "category/service", as main.ts checks them against the new decision.
const mark = (e: HTMLElement) =>
  ran.add(e.dataset.category! + (e.dataset.service ? "/" + e.dataset.service : ""));

/** Run the allowed `<script type="text/plain" data-category>` once each, in document order. */
export async function runScripts(ok: Allow, nonce?: string): Promise<void> {
  const todo = $$<HTMLScriptElement>('script[type="text/plain"][data-category]').filter((e) =>
    allowed(e, ok),
  );
  // Claim them first so a second decision while we wait for a download cannot run them twice.
  for (const e of todo) e.type = "text/samtycke-ran";
  for (const old of todo) {
    const s = document.createElement("script");
    for (const a of old.attributes) if (a.name != "type") s.setAttribute(a.name, a.value);
    s.type = old.dataset.type || "text/javascript";
    s.nonce = old.nonce || nonce || "";
    s.text = old.text;
    mark(old);
    // An external script must finish before the next one starts, as it would in the parser.
    const done = s.src ? new Promise((r) => (s.onload = s.onerror = r)) : null;
    old.replaceWith(s);
    await done;
  }
}

/** Load allowed `<iframe data-category data-src>` (and those loaded once); the others wait
 * behind a placeholder, shown before any decision too. */
export function frames(ok: Allow, blocked: (f: HTMLIFrameElement) => HTMLElement): void {
  for (const f of $$<HTMLIFrameElement>("iframe[data-category][data-src]")) {
    const ph = f.previousElementSibling?.classList.contains("stk-ph") && f.previousElementSibling;
    if (allowed(f, ok) || f.dataset.once) {
      if (ph) ph.remove();
      f.hidden = false;
      const src = nocookie(f.dataset.src!);
      if (f.getAttribute("src") != src) f.src = src;
      mark(f);
    } else if (!ph) {
      f.hidden = true;
      f.before(blocked(f));
    }
  }
}
