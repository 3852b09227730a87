import { describe, expect, it } from 'vitest';
import { isJsonMediaType, mediaType, parseForm, readRawBody } from '../../../../shared/http/body.ts';
import { PayloadTooLargeError } from '../../../../shared/http/errors.ts';

describe('readRawBody', () => {
  it('decodes a base64 body', () => {
    const body = Buffer.from('From=%2B1415&Body=h%C3%A9').toString('base64');
    expect(readRawBody({ body, isBase64Encoded: true })).toBe('From=%2B1415&Body=h%C3%A9');
  });

  it('returns a plain body unchanged and an absent body as empty', () => {
    expect(readRawBody({ body: '{"a":1}', isBase64Encoded: false })).toBe('{"a":1}');
    expect(readRawBody({ isBase64Encoded: false })).toBe('');
  });

  it('counts bytes, not characters, against the limit', () => {
    expect(() => readRawBody({ body: 'é'.repeat(6), isBase64Encoded: false }, 11)).toThrow(
      PayloadTooLargeError,
    );
    expect(readRawBody({ body: 'é'.repeat(5), isBase64Encoded: false }, 11)).toBe('ééééé');
  });

  it('measures a base64 body by its decoded size', () => {
    const body = Buffer.alloc(12, 1).toString('base64');
    expect(readRawBody({ body, isBase64Encoded: true }, 12)).toHaveLength(12);
    expect(() => readRawBody({ body, isBase64Encoded: true }, 11)).toThrow(PayloadTooLargeError);
  });
});

describe('parseForm', () => {
  it('decodes plus signs as spaces and keeps repeated keys in order', () => {
    expect({ ...parseForm('Body=hello+world&To=%2B14155550123&A=1&A=2&A=3') }).toEqual({
      Body: 'hello world',
      To: '+14155550123',
      A: ['1', '2', '3'],
    });
  });

  it('treats prototype-looking keys as plain data', () => {
    const protoKey = ['__', 'proto', '__'].join('');
    const params = parseForm(`${protoKey}=x&constructor=y&${protoKey}=z`);
    expect(params[protoKey]).toEqual(['x', 'z']);
    expect(params.constructor).toBe('y');
    expect(Object.getPrototypeOf(params)).toBeNull();
  });
});

describe('mediaType', () => {
  it('lower-cases and drops parameters', () => {
    expect(mediaType('Application/JSON; charset=utf-8')).toBe('application/json');
    expect(mediaType(undefined)).toBeUndefined();
    expect(mediaType('')).toBeUndefined();
  });

  it('recognises structured JSON types', () => {
    expect(isJsonMediaType('application/vnd.api+json')).toBe(true);
    expect(isJsonMediaType('text/json')).toBe(false);
  });
});
