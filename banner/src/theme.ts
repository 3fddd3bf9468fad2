// The site's theme: colours and font as CSS custom properties, the position as a class.
import type { Config } from "./types";

/** The --stk-* properties banner.css uses: every one, from the config (Python validated it). */
export function theme(c: Config, root: HTMLElement): string {
  root.classList.add("stk-" + c.theme.position);
  return `.stk,.stk-ph{${Object.entries(c.theme.vars)
    .map(([k, v]) => `--stk-${k}:${v}`)
    .join(";")}}`;
}
