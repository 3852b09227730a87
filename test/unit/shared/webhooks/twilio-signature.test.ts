import { describe, expect, it } from 'vitest';
import { twilioSignature } from '../../../../infra/local/signers.ts';
import { isValidTwilioSignature } from '../../../../shared/webhooks/twilio-signature.ts';

// Twilio's published example (Twilio's webhook security docs), reproduced by the public gist it cites.
const token = '12345';
const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const params = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+12349013030',
  Digits: '1234',
  From: '+12349013030',
  To: '+18005551212',
};
const signature = '0/KCTR6DLpKmkAf8muzZqo1nDgQ=';

describe('isValidTwilioSignature', () => {
  it('accepts the reference vector', () => {
    expect(isValidTwilioSignature({ authToken: token, signature, url, params })).toBe(true);
  });

  it('accepts the same URL with the default port spelled out', () => {
    const withPort = 'https://mycompany.com:443/myapp.php?foo=1&bar=2';
    expect(isValidTwilioSignature({ authToken: token, signature, url: withPort, params })).toBe(true);
  });

  it('rejects a different scheme, host, path or query', () => {
    for (const other of [
      'http://mycompany.com/myapp.php?foo=1&bar=2',
      'https://evil.example.com/myapp.php?foo=1&bar=2',
      'https://mycompany.com/other.php?foo=1&bar=2',
      'https://mycompany.com/myapp.php?foo=1&bar=3',
    ]) {
      expect(isValidTwilioSignature({ authToken: token, signature, url: other, params })).toBe(false);
    }
  });

  it('rejects a changed parameter', () => {
    const tampered = { ...params, From: '+12349013031' };
    expect(isValidTwilioSignature({ authToken: token, signature, url, params: tampered })).toBe(false);
  });

  it('rejects an added parameter', () => {
    const added = { ...params, Extra: 'x' };
    expect(isValidTwilioSignature({ authToken: token, signature, url, params: added })).toBe(false);
  });

  it('rejects another auth token', () => {
    expect(isValidTwilioSignature({ authToken: '54321', signature, url, params })).toBe(false);
  });

  it('rejects a missing or empty signature', () => {
    expect(isValidTwilioSignature({ authToken: token, signature: undefined, url, params })).toBe(false);
    expect(isValidTwilioSignature({ authToken: token, signature: '', url, params })).toBe(false);
  });

  it('rejects a signature of another length without throwing', () => {
    expect(isValidTwilioSignature({ authToken: token, signature: 'abc', url, params })).toBe(false);
  });

  it('rejects a malformed URL without throwing', () => {
    expect(isValidTwilioSignature({ authToken: token, signature, url: 'not a url', params })).toBe(false);
  });

  it('verifies repeated keys signed as arrays', () => {
    const repeated = { CallSid: 'CA1', StirVerstat: ['TN-Validation-Passed-A', 'TN-Validation-Passed-B'] };
    const signed = twilioSignature(token, url, repeated);
    expect(isValidTwilioSignature({ authToken: token, signature: signed, url, params: repeated })).toBe(true);
    const single = { CallSid: 'CA1', StirVerstat: 'TN-Validation-Passed-A' };
    expect(isValidTwilioSignature({ authToken: token, signature: signed, url, params: single })).toBe(false);
  });
});
