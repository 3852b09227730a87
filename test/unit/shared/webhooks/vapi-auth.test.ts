import { describe, expect, it } from 'vitest';
import { vapiTimestampMs, verifyVapiRequest } from '../../../../shared/webhooks/vapi-auth.ts';
import { vapiHmacHeaders } from '../../../fixtures/signers.ts';

const secret = 'vapi-secret-0123456789';
const rawBody = '{"message":{"type":"tool-calls"}}';
// Computed independently: printf '%s' '<t>.<body>' | openssl dgst -sha256 -hmac <secret>
const vectorSeconds = {
  'x-timestamp': '1700000000',
  'x-signature': '2d2587d43745f4beccc37bdaa95ae7f2fac1da55c10e1ff349043fab3b48cb1d',
};
const vectorMillis = {
  'x-timestamp': '1700000000000',
  'x-signature': '82728e20aa923ff2fe8174debe6d311a5d475430fd2cd8d0c309a83418db97ec',
};
const at = (seconds: number) => new Date(seconds * 1000);

describe('verifyVapiRequest', () => {
  it('accepts the x-vapi-secret header', () => {
    expect(verifyVapiRequest({ secret, headers: { 'x-vapi-secret': secret }, rawBody })).toEqual({
      ok: true,
      method: 'x-vapi-secret',
    });
  });

  it('accepts a Bearer token in any case of the scheme', () => {
    for (const authorization of [`Bearer ${secret}`, `bearer ${secret}`]) {
      expect(verifyVapiRequest({ secret, headers: { authorization }, rawBody })).toEqual({
        ok: true,
        method: 'bearer',
      });
    }
  });

  it('rejects a wrong secret in either header', () => {
    expect(verifyVapiRequest({ secret, headers: { 'x-vapi-secret': `${secret}x` }, rawBody })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyVapiRequest({ secret, headers: { authorization: 'Bearer nope' }, rawBody })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('rejects a request with no credentials as missing', () => {
    expect(verifyVapiRequest({ secret, headers: {}, rawBody })).toEqual({ ok: false, reason: 'missing' });
  });

  it('accepts the HMAC vector with a timestamp in seconds', () => {
    expect(verifyVapiRequest({ secret, headers: vectorSeconds, rawBody, now: at(1_700_000_010) })).toEqual({
      ok: true,
      method: 'hmac',
    });
  });

  it('accepts the HMAC vector with a timestamp in milliseconds', () => {
    expect(verifyVapiRequest({ secret, headers: vectorMillis, rawBody, now: at(1_700_000_010) })).toEqual({
      ok: true,
      method: 'hmac',
    });
  });

  it('accepts a "sha256=" signature prefix', () => {
    const headers = { ...vectorSeconds, 'x-signature': `sha256=${vectorSeconds['x-signature']}` };
    expect(verifyVapiRequest({ secret, headers, rawBody, now: at(1_700_000_000) }).ok).toBe(true);
  });

  it('rejects a stale timestamp in seconds and in milliseconds', () => {
    const sixMinutesLater = at(1_700_000_000 + 360);
    expect(verifyVapiRequest({ secret, headers: vectorSeconds, rawBody, now: sixMinutesLater })).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifyVapiRequest({ secret, headers: vectorMillis, rawBody, now: sixMinutesLater })).toEqual({
      ok: false,
      reason: 'stale',
    });
  });

  it('rejects a timestamp from the future beyond the tolerance', () => {
    const sixMinutesEarlier = at(1_700_000_000 - 360);
    expect(verifyVapiRequest({ secret, headers: vectorSeconds, rawBody, now: sixMinutesEarlier }).ok).toBe(
      false,
    );
  });

  it('rejects a tampered body', () => {
    const result = verifyVapiRequest({
      secret,
      headers: vectorSeconds,
      rawBody: `${rawBody} `,
      now: at(1_700_000_000),
    });
    expect(result).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a signature whose timestamp header was changed', () => {
    const headers = { ...vectorSeconds, 'x-timestamp': '1700000001' };
    expect(verifyVapiRequest({ secret, headers, rawBody, now: at(1_700_000_000) }).ok).toBe(false);
  });

  it('rejects malformed signatures and timestamps without throwing', () => {
    const now = at(1_700_000_000);
    for (const headers of [
      { ...vectorSeconds, 'x-signature': 'zz' },
      { ...vectorSeconds, 'x-signature': 'g'.repeat(64) },
      { ...vectorSeconds, 'x-timestamp': 'yesterday' },
      { ...vectorSeconds, 'x-timestamp': '-1700000000' },
    ]) {
      expect(verifyVapiRequest({ secret, headers, rawBody, now }).ok).toBe(false);
    }
  });

  it('accepts what the test signer produces for the current time', () => {
    expect(verifyVapiRequest({ secret, headers: vapiHmacHeaders(secret, rawBody), rawBody }).ok).toBe(true);
  });

  it('verifies nothing when the configured secret is empty', () => {
    expect(verifyVapiRequest({ secret: '', headers: { 'x-vapi-secret': '' }, rawBody }).ok).toBe(false);
    expect(verifyVapiRequest({ secret: '', headers: { authorization: 'Bearer ' }, rawBody }).ok).toBe(false);
  });
});

describe('vapiTimestampMs', () => {
  it('reads seconds and milliseconds by magnitude', () => {
    expect(vapiTimestampMs('1700000000')).toBe(1_700_000_000_000);
    expect(vapiTimestampMs('1700000000000')).toBe(1_700_000_000_000);
  });

  it('returns null for a non-numeric value', () => {
    expect(vapiTimestampMs('2023-11-14T22:13:20Z')).toBeNull();
  });
});
