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

/** True when a presented hex digest equals the expected raw digest; malformed hex is simply unequal. */
export function hexDigestEquals(presentedHex: string, expected: Buffer): boolean {
  // The digest length is public (fixed by the algorithm), so checking it before comparing leaks nothing.
  if (presentedHex.length !== expected.length * 2 || !/^[0-9a-f]+$/i.test(presentedHex)) return false;
  return timingSafeEqual(Buffer.from(presentedHex, 'hex'), expected);
}
