/**
 * The one way a warm container picks up a rotated secret. Settings are re-read on every request (an
 * in-memory read: shared/config.ts caches the secret for a few minutes), and a vendor client is built from
 * the settings it uses and built again only when one of those changes.
 */

/** A builder that keeps its last value while `inputs` of the settings stay the same. */
export function rebuiltOnChange<S, T>(
  inputs: (settings: S) => readonly (string | number | undefined)[],
  build: (settings: S) => T,
): (settings: S) => T {
  let last: { key: string; value: T } | undefined;
  return (settings) => {
    const key = JSON.stringify(inputs(settings));
    if (last?.key !== key) last = { key, value: build(settings) };
    return last.value;
  };
}

type AsyncMethods<T> = { [K in keyof T]: (...args: never[]) => Promise<unknown> };

/**
 * A port that stays the same object while the client behind it is rebuilt: each method call runs on the
 * client `current()` gives at that moment. For ports other services hold on to (the Calendly port inside
 * the calendar directory and the availability reader).
 */
export function delegating<T extends AsyncMethods<T>>(current: () => Promise<T>): T {
  return new Proxy({} as T, {
    get(_target, method) {
      // Not a thenable: `await port` must give the port, not call a method named `then`.
      if (method === 'then') return undefined;
      return async (...args: unknown[]) => {
        const client = await current();
        const fn = client[method as keyof T] as unknown as (...a: unknown[]) => Promise<unknown>;
        return await fn.apply(client, args);
      };
    },
  });
}
