/**
 * What this container last read or wrote of a few items, kept as the base of its next conditional write
 * (a stale entry only costs that write a second try). Bounded: the least recently set entry goes first.
 */
export function recentlyKnown<V>(limit: number) {
  const entries = new Map<string, V>();
  return {
    get: (key: string): V | undefined => entries.get(key),
    set(key: string, value: V): V {
      entries.delete(key);
      entries.set(key, value);
      if (entries.size > limit) entries.delete(entries.keys().next().value ?? '');
      return value;
    },
  };
}
