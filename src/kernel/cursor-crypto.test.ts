import { createCipheriv, createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ctrKeystreams, HmacSha256 } from './cursor-crypto.js';

describe('HmacSha256', () => {
  it.each([0, 1, 32, 63, 64])('computes what createHmac computes, with a %i-byte key', (keyLength) => {
    const key = randomBytes(keyLength);
    const mac = new HmacSha256(key);
    for (const parts of [[Buffer.alloc(0)], [Buffer.from('patients:NAME\0'), randomBytes(32)], [randomBytes(1), randomBytes(200), randomBytes(7)]]) {
      const reference = createHmac('sha256', key);
      for (const part of parts) reference.update(part);
      expect(mac.digest(...parts)).toEqual(reference.digest());
    }
  });

  it('refuses a key longer than a SHA-256 block', () => {
    expect(() => new HmacSha256(randomBytes(65))).toThrow(/at most 64 bytes/);
  });
});

describe('ctrKeystreams', () => {
  const key = createSecretKey(randomBytes(32));
  /** The keystream createCipheriv's AES-256-CTR gives: the encryption of zeros. */
  const reference = (iv: Buffer, length: number) => {
    const cipher = createCipheriv('aes-256-ctr', key, iv);
    return Buffer.concat([cipher.update(Buffer.alloc(length)), cipher.final()]);
  };

  it('gives, for each IV, the AES-256-CTR keystream of its length', () => {
    const ivs = [randomBytes(16), randomBytes(16), randomBytes(16)];
    const lengths = [32, 16, 96];
    const streams = ctrKeystreams(key, ivs, lengths);
    expect(streams).toEqual(ivs.map((iv, i) => reference(iv, lengths[i]!)));
  });

  it.each([
    ['the last byte', 'f'.repeat(2).padStart(32, '0')],
    ['the last four bytes', 'ffffffff'.padStart(32, '1')],
    ['the whole block (wrapping to zero)', 'f'.repeat(32)],
  ])('carries the counter across %s as OpenSSL does', (_what, hex) => {
    const iv = Buffer.from(hex, 'hex');
    expect(ctrKeystreams(key, [iv], [64])).toEqual([reference(iv, 64)]);
  });

  it('refuses a length that is not whole blocks', () => {
    expect(() => ctrKeystreams(key, [randomBytes(16)], [20])).toThrow(/whole AES blocks/);
  });
});
