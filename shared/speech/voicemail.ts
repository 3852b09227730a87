/** The words the business reads about a new voicemail: who called, when (in the business zone), the link. */
import type { Voicemail } from '../domain/voicemails.ts';

export function voicemailAlert(voicemail: Voicemail, zone: string): { subject: string; body: string } {
  const when = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(new Date(voicemail.recordedAt));
  const caller = voicemail.callerNumber ?? 'a withheld number';
  const length = voicemail.durationSeconds === null ? '' : ` (${voicemail.durationSeconds} s)`;
  return {
    subject: `New voicemail from ${caller}`,
    body: `New voicemail from ${caller}${length}, ${when}. Listen: ${voicemail.recordingUrl}`,
  };
}
