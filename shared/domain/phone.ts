/**
 * E.164 shape checks for numbers that were already normalised upstream (Twilio's caller id went through
 * libphonenumber at the Twilio edge; Vapi checks E.164 itself). The full metadata (~120 KB) ships only in the
 * function that meets raw caller ids.
 */

/** "+" then 8 to 15 digits, no leading zero: the shape ITU-T E.164 allows for dialable numbers. */
export const E164_PATTERN = /^\+[1-9]\d{7,14}$/;

/** The number when it has E.164 shape, else null. */
export function e164OrNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed && E164_PATTERN.test(trimmed) ? trimmed : null;
}
