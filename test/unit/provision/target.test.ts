import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { holds } from '../../../provision/compare.ts';
import { ProvisionError } from '../../../provision/http.ts';
import { baseUrlTarget, endpointsUnder, withEnvLines } from '../../../provision/target.ts';

describe('endpointsUnder', () => {
  it("puts every vendor's webhook under the base URL, keeping its path", () => {
    expect(endpointsUnder('https://abc.ngrok.app/dev/')).toEqual({
      voice: 'https://abc.ngrok.app/dev/twilio/voice',
      status: 'https://abc.ngrok.app/dev/twilio/status',
      tools: 'https://abc.ngrok.app/dev/vapi/tools',
      events: 'https://abc.ngrok.app/dev/vapi/events',
      calendly: 'https://abc.ngrok.app/dev/calendly/webhook',
    });
  });
});

describe('withEnvLines', () => {
  it('replaces a setting in place and appends new ones, leaving comments alone', () => {
    const text = '# mine\nVAPI_API_KEY=k\nVAPI_ASSISTANT_ID=old\n';
    expect(
      withEnvLines(text, { VAPI_ASSISTANT_ID: 'new', VAPI_PHONE_NUMBER_ID: 'p', UNSET: undefined }),
    ).toBe('# mine\nVAPI_API_KEY=k\nVAPI_ASSISTANT_ID=new\nVAPI_PHONE_NUMBER_ID=p\n');
    expect(withEnvLines('', { A: '1' })).toBe('A=1\n');
  });
});

describe('baseUrlTarget (npm run dev behind a tunnel)', () => {
  it('reads settings from the environment and .env, and keeps what provisioning makes in that .env (owner-only)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'provision-')), '.env');
    writeFileSync(file, 'VAPI_API_KEY=from-file\nCALENDLY_API_TOKEN=token\n');
    const target = baseUrlTarget('https://abc.ngrok.app', {
      DOTENV_CONFIG_PATH: file,
      VAPI_API_KEY: 'from-env',
    });
    expect(target.settings).toMatchObject({ VAPI_API_KEY: 'from-env', CALENDLY_API_TOKEN: 'token' });
    expect(target.stage).toBe('local');
    await target.store.save({ VAPI_SERVER_SECRET: 'generated-secret-0123456789' });
    expect(readFileSync(file, 'utf8')).toBe(
      'VAPI_API_KEY=from-file\nCALENDLY_API_TOKEN=token\nVAPI_SERVER_SECRET=generated-secret-0123456789\n',
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses a base URL that is not http(s)', () => {
    expect(() => baseUrlTarget('abc.ngrok.app', {})).toThrow(ProvisionError);
  });
});

describe('holds', () => {
  it('compares only the fields we send, deep, and arrays whole', () => {
    expect(holds({ a: 1, b: { c: 2, d: 3 }, extra: true }, { a: 1, b: { c: 2 } })).toBe(true);
    expect(holds({ a: 1, b: { c: 3 } }, { a: 1, b: { c: 2 } })).toBe(false);
    expect(holds({ list: [1, 2, 3] }, { list: [1, 2] })).toBe(false);
    expect(holds({ list: [{ x: 1, y: 2 }] }, { list: [{ x: 1 }] })).toBe(true);
    expect(holds({}, { missing: undefined })).toBe(true);
    expect(holds({ a: null }, { a: {} })).toBe(false);
  });
});
