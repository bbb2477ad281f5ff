// The signature on every push request: the check-back's scheme (HMAC-SHA256 over `<timestamp>.<body>`, Stripe's header
// layout), keyed with the consumer group's own secret. Stands in for the signing branch's `signature.ts` until it merges.
import { createHmac, randomBytes } from 'node:crypto';

export const PUSH_SIGNATURE_HEADER = 'Ferry-Signature';

/** A new signing secret: 32 random bytes; the whole string (prefix included) is the HMAC key. */
export function newPushSecret(): string {
  return `fsec_${randomBytes(32).toString('base64url')}`;
}

/** `t=<epoch seconds>,v1=<hex>`: the receiver recomputes the HMAC of `<t>.<body>` and compares. */
export function pushSignature(body: string, secret: string, timestampSeconds: number): string {
  const digest = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${digest}`;
}
