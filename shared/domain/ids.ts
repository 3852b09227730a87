/** Short random ids that survive being read aloud and repeated by a language model. */
import { createHash, randomBytes } from 'node:crypto';

// Crockford base32 without I, L, O, U: nothing a speech model confuses with digits or words.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function codeOf(bytes: Uint8Array, length: number): string {
  let code = '';
  for (const byte of bytes.subarray(0, length)) code += ALPHABET[byte % 32];
  return code;
}

const randomCode = (length: number): string => codeOf(randomBytes(length), length);

/** A hold id such as "H-7K2P9QXM" (40 random bits; holds also check the owning call). */
export const newHoldId = (): string => `H-${randomCode(8)}`;

/**
 * The hold id a tool call of a phone call always gets, such as "H-Q3M8ZK1T": a replay of that tool call
 * names the hold the first run made, so the slot lock itself answers it, with no second hold. Scoped to
 * the call, as tool-call ids are not unique across calls.
 */
export const holdIdFor = (callId: string, toolCallId: string): string =>
  `H-${codeOf(
    createHash('sha256')
      .update(JSON.stringify([callId, toolCallId]))
      .digest(),
    8,
  )}`;

/** A booking id such as "B-3F9T0W2K6Q1N" (60 random bits); also our tag in Calendly's tracking.utm_content. */
export const newBookingId = (): string => `B-${randomCode(12)}`;
