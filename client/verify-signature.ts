// Verifies the Ferry-Signature header of a request Ferry sent (a transaction check-back), as a producer's endpoint does.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface VerifyOptions {
  /** How old (or how far ahead) the signed timestamp may be, against replays: 300 s by default, as Stripe's. */
  toleranceSeconds?: number;
  /** Now, epoch ms (for tests). */
  now?: number;
}

/**
 * Whether `header` (the request's `Ferry-Signature`) signs exactly `body` (the raw request body, before any JSON
 * parsing) with one of `secrets` (during a rotation, pass the new and the old one), within the tolerance.
 */
export function verifyFerrySignature(
  body: string | Uint8Array,
  header: string | readonly string[] | null | undefined,
  secrets: string | readonly string[],
  options: VerifyOptions = {},
): boolean {
  // Node types an unknown header as string | string[]; Ferry sends it once.
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string') return false;
  const parts = value.split(',').map((part) => part.trim().split('='));
  const timestamp = parts.find(([key]) => key === 't')?.[1];
  const signatures = parts.filter(([key, value]) => key === 'v1' && value !== undefined).map(([, value]) => value!);
  if (timestamp === undefined || !/^\d+$/.test(timestamp) || signatures.length === 0) return false;
  const age = Math.abs((options.now ?? Date.now()) / 1000 - Number(timestamp));
  if (age > (options.toleranceSeconds ?? 300)) return false;
  const signed = Buffer.concat([Buffer.from(`${timestamp}.`), Buffer.from(body)]);
  return (typeof secrets === 'string' ? [secrets] : secrets).some((secret) => {
    const expected = createHmac('sha256', secret).update(signed).digest();
    return signatures.some((signature) => {
      const given = Buffer.from(signature, 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  });
}
