import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../shared/config.ts';
import { ConfigError } from '../../../shared/domain/errors.ts';

describe('parseConfig', () => {
  it('applies the contract defaults', () => {
    const config = parseConfig({}, []);
    expect(config.HOLD_TTL_SECONDS).toBe(300);
    expect(config.PORT).toBe(3000);
    expect(config.VAPI_API_BASE_URL).toBe('https://api.vapi.ai');
    expect(config.CALENDLY_API_BASE_URL).toBe('https://api.calendly.com');
    expect(config).toMatchObject({ CALL_RECORD_RETENTION_DAYS: 90, CALL_RECORD_TRANSCRIPTS: false });
  });

  it('reads BUSINESS_HOURS and NOTIFY_PHONE_NUMBER, naming what is wrong', () => {
    const config = parseConfig(
      { BUSINESS_HOURS: 'mon-fri 09:00-17:00', NOTIFY_PHONE_NUMBER: '+14155550100' },
      [],
    );
    expect(config.BUSINESS_HOURS?.[0]).toEqual([[540, 1020]]);
    expect(() => parseConfig({ BUSINESS_HOURS: 'weekdays 9-5' }, [])).toThrow(/BUSINESS_HOURS cannot read/);
    expect(() => parseConfig({ NOTIFY_PHONE_NUMBER: '555-0100' }, [])).toThrow(/NOTIFY_PHONE_NUMBER/);
  });

  it('reads call-record retention and the transcript switch, refusing anything but true or false', () => {
    const config = parseConfig({ CALL_RECORD_RETENTION_DAYS: '30', CALL_RECORD_TRANSCRIPTS: 'true' }, []);
    expect(config).toMatchObject({ CALL_RECORD_RETENTION_DAYS: 30, CALL_RECORD_TRANSCRIPTS: true });
    expect(() => parseConfig({ CALL_RECORD_TRANSCRIPTS: 'yes' }, [])).toThrow(/CALL_RECORD_TRANSCRIPTS/);
    expect(() => parseConfig({ CALL_RECORD_RETENTION_DAYS: '0' }, [])).toThrow(/CALL_RECORD_RETENTION_DAYS/);
  });

  it('lists every missing and malformed name at once', () => {
    let caught: unknown;
    try {
      parseConfig({ HOLD_TTL_SECONDS: 'soon', BUSINESS_TIMEZONE: 'Mars/Olympus' }, [
        'TWILIO_AUTH_TOKEN',
        'TABLE_NAME',
      ]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    expect(problems).toContain('TWILIO_AUTH_TOKEN is required');
    expect(problems).toContain('TABLE_NAME is required');
    expect(problems).toContain('HOLD_TTL_SECONDS');
    expect(problems).toContain('BUSINESS_TIMEZONE');
  });

  it('treats an empty value as unset', () => {
    expect(() => parseConfig({ TWILIO_AUTH_TOKEN: '' }, ['TWILIO_AUTH_TOKEN'])).toThrow(
      /TWILIO_AUTH_TOKEN is required/,
    );
  });

  it('strips a trailing slash from base URLs', () => {
    expect(parseConfig({ PUBLIC_BASE_URL: 'https://example.com/' }, []).PUBLIC_BASE_URL).toBe(
      'https://example.com',
    );
  });

  it('reads VAPI_AUTH_PLAN as a Vapi credential plan and refuses one it cannot verify', () => {
    expect(
      parseConfig({ VAPI_AUTH_PLAN: '{"type":"hmac","algorithm":"sha512"}' }, []).VAPI_AUTH_PLAN,
    ).toMatchObject({
      type: 'hmac',
      algorithm: 'sha512',
      signatureHeader: 'x-signature',
      signatureEncoding: 'hex',
    });
    expect(() => parseConfig({ VAPI_AUTH_PLAN: '{"type":"hmac"' }, [])).toThrow(
      /VAPI_AUTH_PLAN must be JSON/,
    );
    expect(() =>
      parseConfig(
        { VAPI_AUTH_PLAN: '{"type":"hmac","algorithm":"sha256","payloadFormat":"{url}{body}"}' },
        [],
      ),
    ).toThrow(/VAPI_AUTH_PLAN.payloadFormat only Vapi's default/);
  });

  it('rejects a fallback number that is not E.164', () => {
    expect(() => parseConfig({ FALLBACK_PHONE_NUMBER: '555-0100' }, [])).toThrow(/FALLBACK_PHONE_NUMBER/);
  });
});
