/** Short random ids that survive being read aloud and repeated by a language model. */
import { randomBytes } from 'node:crypto';

// Crockford base32 without I, L, O, U: nothing a speech model confuses with digits or words.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function randomCode(length: number): string {
  const bytes = randomBytes(length);
  let code = '';
  for (const byte of bytes) code += ALPHABET[byte % 32];
  return code;
}

/** A hold id such as "H-7K2P9QXM" (40 random bits; holds also check the owning call). */
export const newHoldId = (): string => `H-${randomCode(8)}`;

/** A booking id such as "B-3F9T0W2K6Q1N" (60 random bits); also our tag in Calendly's tracking.utm_content. */
export const newBookingId = (): string => `B-${randomCode(12)}`;
