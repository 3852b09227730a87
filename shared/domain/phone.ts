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
