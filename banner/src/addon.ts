// The internal hook add-ons plug into. An add-on is a separate bundle that build_script puts
// between the config and the engine only for the sites whose declaration uses it, so every
// other site downloads less. It registers a factory; the engine calls it once, after reading
// the stored decision and before any tag after samtycke.js runs. Not a public API.
import type { SamtyckeConsent, SamtyckeMethod } from "../samtycke.d";
import type { Source } from "./contract";
import type { Config } from "./types";

export type Ok = (category: string) => boolean;

/** What the engine lends an add-on. */
export type Core = {
  cfg: Config;
  /** A config URL resolved against samtycke.js. */
  here(url: string): string;
  hex32(): string;
  state(): SamtyckeConsent | null;
  ok(category: string): boolean;
  lang(): string;
  /** The id a new decision takes when none is stored yet. */
  id: string | null;
  /** Take a decision made elsewhere (if still current) as this page's. */
  adopt(s: SamtyckeConsent | null): void;
  /** Show the banner or notice, as on a page without add-ons. */
  begin(): void;
};

/** What an add-on gives back: every part optional. */
export type Hooks = {
  /** A decision now holds (the stored one at load, a new or adopted one later). */
  update?(ok: Ok): void;
  /** A decision was just made here: state() has it. Resolves when it is on its way. */
  decided?(method: SamtyckeMethod, source: Source): Promise<void>;
  /** When the DOM is ready; true: the add-on calls core.begin() itself (or leaves the page). */
  start?(): boolean | undefined;
};

export type Addon = (core: Core) => Hooks;
type W = { samtyckeAddons?: Addon[] };

/** Register an add-on (called by the add-on bundle, before the engine runs). */
export function addon(a: Addon): void {
  const w = window as W;
  (w.samtyckeAddons ||= []).push(a);
}

/** The hooks of every registered add-on. */
export function plug(core: Core): Hooks[] {
  return ((window as W).samtyckeAddons || []).map((a) => a(core));
}
