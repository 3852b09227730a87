import { describe, expect, it } from 'vitest';
import { vapiHmacHeaders } from '../../../../infra/local/signers.ts';
import {
  VapiAuthPlanSchema,
  vapiTimestampMs,
  verifyVapiRequest,
} from '../../../../shared/webhooks/vapi-auth.ts';

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

describe('verifyVapiRequest with a configured plan (Vapi HMACAuthenticationPlan, BearerAuthenticationPlan)', () => {
  const now = at(1_700_000_010);
  const plan = (value: unknown) => VapiAuthPlanSchema.parse(value);
  // Computed independently with openssl dgst (see the vectors above); the secret is the same.
  const sha512Hex =
    '39c7e524a488f0c277cff53f9838224de2db2e1176cf2b8439c1f069ab55c5d15c13f2cb4b204b46a4081b7f1f33e1f50b22d995f50f8a977de374f34cc48637';
  const sha1Base64 = '4weoK/Fox6CwlNgC1K/fD2dHqcc=';

  it('accepts sha512 in custom headers with a prefix, and nothing else', () => {
    const sha512 = plan({
      type: 'hmac',
      algorithm: 'sha512',
      signatureHeader: 'X-Hub-Signature',
      timestampHeader: 'X-Hub-Time',
      signaturePrefix: 'sha512=',
    });
    const headers = { 'x-hub-signature': `sha512=${sha512Hex}`, 'x-hub-time': '1700000000' };
    expect(verifyVapiRequest({ secret, plan: sha512, headers, rawBody, now })).toEqual({
      ok: true,
      method: 'hmac',
    });
    // The default credentials are not accepted beside a configured plan.
    expect(
      verifyVapiRequest({ secret, plan: sha512, headers: { 'x-vapi-secret': secret }, rawBody, now }),
    ).toEqual({
      ok: false,
      reason: 'missing',
    });
    expect(verifyVapiRequest({ secret, plan: sha512, headers: vectorSeconds, rawBody, now }).ok).toBe(false);
  });

  it('accepts a base64 sha1 signature and rejects it hex-encoded', () => {
    const sha1 = plan({ type: 'hmac', algorithm: 'sha1', signatureEncoding: 'base64' });
    const headers = { 'x-signature': sha1Base64, 'x-timestamp': '1700000000' };
    expect(verifyVapiRequest({ secret, plan: sha1, headers, rawBody, now }).ok).toBe(true);
    const hex = Buffer.from(sha1Base64, 'base64').toString('hex');
    expect(
      verifyVapiRequest({ secret, plan: sha1, headers: { ...headers, 'x-signature': hex }, rawBody, now }).ok,
    ).toBe(false);
  });

  it('decodes a base64 secret before signing with it', () => {
    const base64Key = plan({ type: 'hmac', algorithm: 'sha256', secretIsBase64: true });
    const headers = {
      'x-signature': 'a9c9191b549f5b008f1f48c0a706742be693814a23555dada110660bf52457c4',
      'x-timestamp': '1700000000',
    };
    const input = { plan: base64Key, headers, rawBody, now };
    expect(verifyVapiRequest({ ...input, secret: 'cmF3LWtleS1ieXRlcy0wMTIzNDU2Nzg5' }).ok).toBe(true);
  });

  it('still rejects a stale timestamp under a custom plan', () => {
    const sha512 = plan({ type: 'hmac', algorithm: 'sha512' });
    const headers = { 'x-signature': sha512Hex, 'x-timestamp': '1700000000' };
    expect(verifyVapiRequest({ secret, plan: sha512, headers, rawBody, now: at(1_700_000_400) })).toEqual({
      ok: false,
      reason: 'stale',
    });
  });

  it('reads a bearer token from a custom header, with or without the prefix', () => {
    const prefixed = plan({ type: 'bearer', headerName: 'X-Api-Key' });
    const bare = plan({ type: 'bearer', headerName: 'X-Api-Key', bearerPrefixEnabled: false });
    expect(
      verifyVapiRequest({ secret, plan: prefixed, headers: { 'x-api-key': `Bearer ${secret}` }, rawBody }).ok,
    ).toBe(true);
    expect(verifyVapiRequest({ secret, plan: bare, headers: { 'x-api-key': secret }, rawBody }).ok).toBe(
      true,
    );
    expect(
      verifyVapiRequest({ secret, plan: bare, headers: { authorization: `Bearer ${secret}` }, rawBody }).ok,
    ).toBe(false);
  });

  it.each([
    [{ type: 'hmac', algorithm: 'md5' }, 'algorithm'],
    [{ type: 'hmac', algorithm: 'sha256', includeTimestamp: false }, 'replayed forever'],
    [{ type: 'hmac', algorithm: 'sha256', payloadFormat: '{method}{url}{body}' }, '{timestamp}.{body}'],
    [{ type: 'hmac', algorithm: 'sha256', messageIdHeader: 'svix-id' }, 'messageIdHeader'],
    [{ type: 'hmac', algorithm: 'sha256', secretKey: 'pasted' }, 'secretKey'],
    [{ type: 'oauth2' }, 'type'],
  ])('refuses the plan %j, saying why', (value, words) => {
    const result = VapiAuthPlanSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(words);
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
