/**
 * Public types of the samtycke consent banner (`samtycke.js`).
 *
 * The banner sets `window.samtycke` and fires `samtycke:change` on `window`
 * after every decision, with the new consent as `event.detail`.
 */

/** How a decision was made (`m` in the consent cookie). */
export type SamtyckeMethod = "accept-all" | "reject-all" | "custom" | "withdraw" | "gpc" | "dnt";

/** The person's current decision, as kept in the `samtycke` cookie. */
export interface SamtyckeConsent {
  /** Consent id: 128 random bits as 32 lower-case hex digits. */
  id: string;
  /** The declaration revision the person answered. */
  revision: number;
  /** The first 12 hex digits of the declaration's fingerprint; null in an old (format 1) cookie. */
  fingerprint: string | null;
  /** When they answered, seconds since 1970 (UTC). */
  timestamp: number;
  method: SamtyckeMethod;
  /** Accepted category ids; always includes `"necessary"`. */
  categories: string[];
  /** Services refused inside an accepted category. */
  refusedServices: string[];
}

/** `window.samtycke`. */
export interface SamtyckeApi {
  /** Open the settings layer (the preference centre). */
  show(): void;
  /** Accept every category, as the "Accept all" button does. */
  acceptAll(): void;
  /** Refuse every category that can be refused, as the "Reject all" button does. */
  rejectAll(): void;
  /** Accept exactly these categories (plus `necessary`); the others are refused. */
  accept(categories: string[]): void;
  /** True when the category is accepted now (`necessary` always is). */
  accepted(category: string): boolean;
  /** The current decision, or `null` before one is made (or after it expired). */
  readonly consent: SamtyckeConsent | null;
  /** The language the banner speaks. */
  readonly language: string;
}

declare global {
  interface Window {
    samtycke: SamtyckeApi;
  }
  interface WindowEventMap {
    "samtycke:change": CustomEvent<SamtyckeConsent>;
    "samtycke:ready": CustomEvent<SamtyckeConsent | null>;
  }
}
