import { createHash, randomBytes } from 'node:crypto';

/** Keys are 256-bit random secrets, so a plain SHA-256 is a safe and fast way to store them. */
export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function generateApiKey(): string {
  return `vuoro_${randomBytes(32).toString('base64url')}`;
}

/** The first characters, enough to recognise a key in a list without revealing it. */
export function keyPrefix(secret: string): string {
  return secret.slice(0, 10);
}
