import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import superjson from 'superjson';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Values stored encrypted at rest: AES-256-GCM with a key derived from the
 * application secret by HKDF-SHA256 for one `purpose`, a random 96-bit IV per
 * value, and `context` (e.g. the owning row's id) authenticated as associated
 * data, so a sealed value opens only where it was written. Layout:
 * IV (12 bytes) ‖ tag (16 bytes) ‖ ciphertext of the superjson text.
 */
export class Sealer {
  /** A KeyObject: a Buffer key is imported afresh on every cipher (~40 µs each on Node 24). */
  private readonly key: KeyObject;

  constructor(secret: string, purpose: string) {
    this.key = createSecretKey(Buffer.from(hkdfSync('sha256', secret, 'health-graphql sealed values', purpose, 32)));
  }

  seal(value: unknown, context: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(superjson.stringify(value), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  /** The sealed value, or null when it does not open (other key, other context, tampered). */
  open<T>(sealed: Uint8Array, context: string): T | null {
    const data = Buffer.from(sealed);
    if (data.length < IV_BYTES + TAG_BYTES) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, data.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(data.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const text = Buffer.concat([decipher.update(data.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      return superjson.parse<T>(text);
    } catch {
      return null;
    }
  }
}
