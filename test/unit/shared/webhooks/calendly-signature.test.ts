import { describe, expect, it } from 'vitest';
import { calendlySignatureHeader } from '../../../../infra/local/signers.ts';
import { verifyCalendlySignature } from '../../../../shared/webhooks/calendly-signature.ts';

const signingKey = 'calendly-key-0123456789';
const rawBody = '{"event":"invitee.created"}';
// Computed independently: printf '%s' '1700000000.<body>' | openssl dgst -sha256 -hmac <key>
const header = 't=1700000000,v1=e9c3dffb8102f079140ca2001b2aebb831680b6dd2a15692e6d9a8d2effbe96b';
const at = (seconds: number) => new Date(seconds * 1000);

describe('verifyCalendlySignature', () => {
  it('accepts the fixed vector', () => {
    expect(verifyCalendlySignature({ signingKey, header, rawBody, now: at(1_700_000_060) })).toEqual({
      ok: true,
    });
  });

  it('tolerates spaces around the parts', () => {
    const spaced = header.replace(',', ', ');
    expect(verifyCalendlySignature({ signingKey, header: spaced, rawBody, now: at(1_700_000_000) }).ok).toBe(
      true,
    );
  });

  it('rejects a stale t older than three minutes', () => {
    expect(verifyCalendlySignature({ signingKey, header, rawBody, now: at(1_700_000_181) })).toEqual({
      ok: false,
      reason: 'stale',
    });
  });

  it('rejects a t too far in the future', () => {
    expect(verifyCalendlySignature({ signingKey, header, rawBody, now: at(1_700_000_000 - 181) }).ok).toBe(
      false,
    );
  });

  it('rejects a tampered body or another key', () => {
    const now = at(1_700_000_000);
    expect(
      verifyCalendlySignature({ signingKey, header, rawBody: '{"event":"invitee.canceled"}', now }),
    ).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyCalendlySignature({ signingKey: `${signingKey}x`, header, rawBody, now }).ok).toBe(false);
  });

  it('rejects a missing header', () => {
    expect(verifyCalendlySignature({ signingKey, header: undefined, rawBody })).toEqual({
      ok: false,
      reason: 'missing',
    });
  });

  it('rejects malformed headers without throwing', () => {
    const now = at(1_700_000_000);
    for (const bad of ['garbage', 't=1700000000', 'v1=abc', 't=soon,v1=abc', 't=1700000000,v1=xyz']) {
      expect(verifyCalendlySignature({ signingKey, header: bad, rawBody, now }).ok).toBe(false);
    }
  });

  it('accepts any matching v1 when several are present', () => {
    const rotated = `t=1700000000,v1=${'0'.repeat(64)},${header.split(',')[1]}`;
    expect(verifyCalendlySignature({ signingKey, header: rotated, rawBody, now: at(1_700_000_000) }).ok).toBe(
      true,
    );
  });

  it('accepts what the test signer produces for the current time', () => {
    const signed = calendlySignatureHeader(signingKey, rawBody);
    expect(verifyCalendlySignature({ signingKey, header: signed, rawBody }).ok).toBe(true);
  });

  it('verifies nothing when the signing key is empty', () => {
    const signed = calendlySignatureHeader('', rawBody);
    expect(verifyCalendlySignature({ signingKey: '', header: signed, rawBody }).ok).toBe(false);
  });
});
