/** Calendly names every resource by a URI whose last segment is the resource's uuid. */

/** The uuid of a Calendly resource URI ("https://api.calendly.com/event_types/ABC" -> "ABC"). */
export function uuidOf(uri: string): string {
  const uuid = uri.replace(/\/+$/, '').split('/').pop() ?? '';
  if (uuid === '') throw new RangeError('not a Calendly resource URI');
  return uuid;
}
