// The signed receipt of the latest decision the consent API recorded (addon-send.js keeps it),
// offered as a download in the settings layer of every page of the origin.
export const RECEIPT = "samtycke.receipt";

/** The receipt of the latest recorded decision, as the server signed it. */
export function receipt(): string | null {
  try {
    return localStorage.getItem(RECEIPT);
  } catch {
    return null;
  }
}
