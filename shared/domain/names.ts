/**
 * Whether the name a caller gives is the name an appointment is under: the privacy rule behind finding an
 * appointment by email. Case, accents and punctuation aside, the words must be the same (in any order), or
 * the caller gives the first and last of them ("Ada Lovelace" for "Ada King Lovelace"). A first name alone
 * is not enough: many people share one, and an email can be guessed.
 */

function wordsOf(name: string): string[] {
  return (
    name
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      // "O'Neil" is one word however it is written down.
      .replace(/['’]/g, '')
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean)
  );
}

export function namesMatch(given: string, onRecord: string): boolean {
  const said = wordsOf(given);
  const recorded = wordsOf(onRecord);
  if (said.length < 2 || recorded.length < 2) {
    // One-word names on record (some people have only one) need exactly that word.
    return said.length === 1 && recorded.length === 1 && said[0] === recorded[0];
  }
  const sorted = (words: string[]) => [...words].sort().join(' ');
  if (said.length === recorded.length && sorted(said) === sorted(recorded)) return true;
  return said.length === 2 && said[0] === recorded[0] && said[1] === recorded[recorded.length - 1];
}
