/**
 * E.164 shape checks. Twilio delivers caller ids in E.164 and Vapi checks E.164 itself, so the runtime only
 * checks the shape; libphonenumber-js (its full metadata is ~120 KB) validates the numbers people type, at
 * synth time (infra/stages.ts), and never ships in a function.
 */

/** "+" then 8 to 15 digits, no leading zero: the shape ITU-T E.164 allows for dialable numbers. */
export const E164_PATTERN = /^\+[1-9]\d{7,14}$/;

/** The number when it has E.164 shape, else null. */
export function e164OrNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed && E164_PATTERN.test(trimmed) ? trimmed : null;
}

// Twilio's placeholders for withheld caller ids: the words spelled on a keypad, plus the plain words.
const WITHHELD_CALLER_IDS = new Set([
  '+266696687', // ANONYMOUS
  '+7378742833', // RESTRICTED
  '+86282452253', // UNAVAILABLE
  '+2562533', // BLOCKED
  'anonymous',
  'restricted',
  'unavailable',
  'unknown',
  'private',
  'blocked',
]);

/**
 * The caller's number in E.164, or null when there is no real number to call or text back: withheld or
 * anonymous ids (as Twilio, and Vapi after it, report them), Twilio Client / SIP identities, and anything
 * not shaped like E.164.
 *
 * Twilio already delivers PSTN caller ids in E.164, so a shape check is all the edge needs; the full
 * libphonenumber-js metadata would cost 118 KB of this function's 500 KB bundle (measured) to re-validate
 * what Twilio sends. libphonenumber-js validates the numbers people type instead, at synth time
 * (infra/stages.ts).
 */
export function callerE164(raw: string | null | undefined): string | null {
  const value = raw?.trim();
  if (!value || WITHHELD_CALLER_IDS.has(value.toLowerCase())) return null;
  return e164OrNull(value);
}
