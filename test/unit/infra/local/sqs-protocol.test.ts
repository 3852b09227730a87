import { describe, expect, it } from 'vitest';
import { md5Hex, md5OfMessageAttributes } from '../../../../infra/local/sqs-protocol.ts';

describe('md5OfMessageAttributes', () => {
  // Expected digests are published test vectors of other SQS implementations checked against AWS SDKs.
  it('matches the digest SQS returns for string and number attributes', () => {
    expect(
      md5OfMessageAttributes({
        ordinal: { DataType: 'Number', StringValue: '1' },
        category: { DataType: 'String', StringValue: 'test' },
      }),
    ).toBe('d21ae90c49061e927f57df5f5d72be1f');
    expect(md5OfMessageAttributes({ SellerName: { DataType: 'String', StringValue: 'Example Store' } })).toBe(
      'cd28f3b68aeee4b2eac9c66f2f694b58',
    );
  });

  it('does not depend on the order attributes were given in', () => {
    const a = { DataType: 'String', StringValue: 'x' };
    const b = { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]).toString('base64') };
    expect(md5OfMessageAttributes({ a, b })).toBe(md5OfMessageAttributes({ b, a }));
    expect(md5OfMessageAttributes({ a, b })).not.toBe(md5OfMessageAttributes({ a }));
  });

  it('is absent when there are no attributes', () => {
    expect(md5OfMessageAttributes({})).toBeUndefined();
  });
});

describe('md5Hex', () => {
  it('hashes the UTF-8 bytes of a body, as the SDK checks them', () => {
    expect(md5Hex('héllo')).toBe('be50e8478cf24ff3595bc7307fb91b50');
  });
});
