/** Small helpers that turn data into words a text-to-speech voice reads naturally. */

/** "ada.l@example.com" -> "ada dot l at example dot com": how an assistant reads an address back. */
export function speakEmail(email: string): string {
  return email
    .toLowerCase()
    .replace(/@/g, ' at ')
    .replace(/\./g, ' dot ')
    .replace(/_/g, ' underscore ')
    .replace(/-/g, ' dash ')
    .replace(/\+/g, ' plus ')
    .replace(/\s+/g, ' ')
    .trim();
}
