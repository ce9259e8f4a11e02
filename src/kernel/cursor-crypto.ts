/**
 * The two primitives cursor sealing (src/kernel/pagination.ts) runs many times per page, shaped so a page
 * costs few native calls: Node's crypto objects cost about a microsecond each to create, more than the
 * hashing and encryption of a 32-byte cursor. Each computes exactly what its library counterpart does —
 * `hmacSha256` what `createHmac('sha256', key)` does (RFC 2104), `ctrKeystreams` the keystream of
 * `createCipheriv('aes-256-ctr', key, iv)` (a 128-bit big-endian counter) — and the unit tests hold them to it.
 */
import { createCipheriv, hash, type KeyObject } from 'node:crypto';

const SHA256_BLOCK = 64;
const AES_BLOCK = 16;

/** HMAC-SHA256 with a fixed key, computed with two one-shot hashes instead of an Hmac object. */
export class HmacSha256 {
  readonly #innerPad: Buffer;
  readonly #outerPad: Buffer;

  /** `key`: at most 64 bytes (a longer key would first be hashed, which the cursor keys never need). */
  constructor(key: Buffer) {
    if (key.length > SHA256_BLOCK) throw new Error('HmacSha256 takes keys of at most 64 bytes');
    this.#innerPad = Buffer.alloc(SHA256_BLOCK, 0x36);
    this.#outerPad = Buffer.alloc(SHA256_BLOCK, 0x5c);
    for (let i = 0; i < key.length; i++) {
      this.#innerPad[i] = this.#innerPad[i]! ^ key[i]!;
      this.#outerPad[i] = this.#outerPad[i]! ^ key[i]!;
    }
  }

  digest(...parts: Buffer[]): Buffer {
    const inner = hash('sha256', Buffer.concat([this.#innerPad, ...parts]), 'buffer');
    return hash('sha256', Buffer.concat([this.#outerPad, inner]), 'buffer');
  }
}

/**
 * AES-256-CTR keystreams, one per (initial counter block, length), from one AES-256-ECB call over all their
 * counter blocks: `lengths[i]` bytes (a multiple of 16) starting at counter `ivs[i]`.
 */
export function ctrKeystreams(key: KeyObject, ivs: readonly Buffer[], lengths: readonly number[]): Buffer[] {
  let total = 0;
  for (const length of lengths) {
    if (length % AES_BLOCK !== 0) throw new Error('keystream lengths must be whole AES blocks');
    total += length;
  }
  const counters = Buffer.allocUnsafe(total);
  let at = 0;
  ivs.forEach((iv, i) => {
    for (let block = 0; block < lengths[i]! / AES_BLOCK; block++, at += AES_BLOCK) {
      iv.copy(counters, at, 0, AES_BLOCK);
      // iv + block as a 128-bit big-endian number, carrying across bytes as OpenSSL's CTR does.
      let carry = block;
      for (let byte = at + AES_BLOCK - 1; byte >= at && carry > 0; byte--) {
        const sum = counters[byte]! + (carry & 0xff);
        counters[byte] = sum & 0xff;
        carry = Math.floor(carry / 256) + (sum >> 8);
      }
    }
  });
  const ecb = createCipheriv('aes-256-ecb', key, null).setAutoPadding(false);
  const stream = Buffer.concat([ecb.update(counters), ecb.final()]);
  const streams: Buffer[] = [];
  at = 0;
  for (const length of lengths) {
    streams.push(stream.subarray(at, at + length));
    at += length;
  }
  return streams;
}
