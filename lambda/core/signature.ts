// The Ferry-Signature header on every request Ferry sends out (check-backs, later pushes): HMAC-SHA256 over the
// timestamp and the body with the producer group's secret, in Stripe's layout, so that a receiver can tell Ferry apart.
import { createHmac, randomBytes } from 'node:crypto';

export const SIGNATURE_HEADER = 'Ferry-Signature';

/** A new signing secret: 32 random bytes; the whole string (prefix included) is the HMAC key. */
export function newSigningSecret(): string {
  return `fsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * `t=<epoch seconds>,v1=<hex>[,v1=<hex>]`: one v1 entry per secret still valid (the current one, and during a rotation
 * the previous one), each over `<t>.<body>`; the receiver accepts the request if any entry matches a secret it holds.
 */
export function signatureHeader(body: string, secrets: readonly string[], timestampSeconds: number): string {
  const signed = `${timestampSeconds}.${body}`;
  const entries = secrets.map((secret) => `v1=${createHmac('sha256', secret).update(signed).digest('hex')}`);
  return [`t=${timestampSeconds}`, ...entries].join(',');
}
