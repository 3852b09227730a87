/**
 * Constant-time comparisons for credentials. Both helpers are length-safe: `timingSafeEqual` throws on
 * unequal lengths, and an early length check on a secret would leak its length, so secrets are hashed first.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** True when two secrets are equal, in time independent of where (or whether) they differ. */
export function secretsEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Text lengths of a digest of `bytes` bytes, and the characters each encoding may use. */
const ENCODINGS = {
  hex: { shape: /^[0-9a-f]+$/i, length: (bytes: number) => bytes * 2 },
  base64: { shape: /^[A-Za-z0-9+/]+={0,2}$/, length: (bytes: number) => Math.ceil(bytes / 3) * 4 },
} as const;

/** True when a presented digest (hex or padded base64 text) equals the expected raw digest; malformed text is unequal. */
export function digestEquals(presented: string, encoding: 'hex' | 'base64', expected: Buffer): boolean {
  const { shape, length } = ENCODINGS[encoding];
  // The digest length is public (fixed by the algorithm), so checking it before comparing leaks nothing.
  if (presented.length !== length(expected.length) || !shape.test(presented)) return false;
  const bytes = Buffer.from(presented, encoding);
  return bytes.length === expected.length && timingSafeEqual(bytes, expected);
}
