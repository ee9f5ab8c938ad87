import { createHash, randomBytes } from 'node:crypto';

/** 256 bits from the OS: enough that a sha256 of it needs no salt or slow hash. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
