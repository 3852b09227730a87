import { describe, expect, it } from 'vitest';
import { namesMatch } from '../../../../shared/domain/names.ts';

describe('namesMatch', () => {
  it('matches the same words whatever their case, accents, punctuation or order', () => {
    expect(namesMatch('ada lovelace', 'Ada Lovelace')).toBe(true);
    expect(namesMatch('Lovelace, Ada', 'Ada Lovelace')).toBe(true);
    expect(namesMatch('Zoe Saldana', 'Zoë Saldaña')).toBe(true);
    expect(namesMatch("Mary-Jane O'Neil", 'mary jane oneil')).toBe(true);
  });

  it('matches the first and last of a longer recorded name', () => {
    expect(namesMatch('Ada Lovelace', 'Ada King Lovelace')).toBe(true);
    expect(namesMatch('Ada King', 'Ada King Lovelace')).toBe(false);
  });

  it('never matches on a first name alone, another person, or nothing', () => {
    expect(namesMatch('Ada', 'Ada Lovelace')).toBe(false);
    expect(namesMatch('Ada Byron', 'Ada Lovelace')).toBe(false);
    expect(namesMatch('', 'Ada Lovelace')).toBe(false);
    expect(namesMatch('Ada Lovelace', '')).toBe(false);
  });

  it('matches a one-word name on record only by that word', () => {
    expect(namesMatch('Cher', 'Cher')).toBe(true);
    expect(namesMatch('Cher Smith', 'Cher')).toBe(false);
  });
});
