/** Whether what a vendor holds already says what we would send: every field we send, deep; extra fields the vendor adds are ignored. */
export function holds(actual: unknown, desired: unknown): boolean {
  if (Array.isArray(desired)) {
    return (
      Array.isArray(actual) &&
      actual.length === desired.length &&
      desired.every((item, index) => holds(actual[index], item))
    );
  }
  if (desired !== null && typeof desired === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(desired).every(([key, value]) =>
      holds((actual as Record<string, unknown>)[key], value),
    );
  }
  return Object.is(actual, desired);
}
