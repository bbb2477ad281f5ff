// The check-back adapter: a signed POST to a producer's check endpoint with a deadline; any answer but a 2xx COMMIT or
// ROLLBACK (a redirect, an error, garbage, a refused or unreachable endpoint, none in time) is UNKNOWN.
import { logger } from '../aws/logger.ts';
import type { CheckClient } from '../core/ports.ts';
import { SIGNATURE_HEADER, signatureHeader } from '../core/signature.ts';
import type { OutboundPost } from './outbound-post.ts';

export function createHttpCheckClient(post: OutboundPost, now: () => number = Date.now): CheckClient {
  return {
    async check(url, payload, { timeoutMs, secrets }) {
      const body = JSON.stringify(payload);
      const headers: Record<string, string> = {};
      if (secrets.length > 0) headers[SIGNATURE_HEADER] = signatureHeader(body, secrets, Math.floor(now() / 1000));
      const result = await post({ url, body, headers, timeoutMs });
      if (result.kind === 'refused') {
        logger.warn('check-back endpoint refused', { url, rule: result.refusal.rule, reason: result.refusal.message });
        return 'UNKNOWN';
      }
      if (result.kind === 'failed' || result.status < 200 || result.status > 299) return 'UNKNOWN';
      return statusOf(result.body);
    },
  };
}

function statusOf(body: string): 'COMMIT' | 'ROLLBACK' | 'UNKNOWN' {
  try {
    const answer = (JSON.parse(body) as { status?: unknown } | null)?.status;
    return answer === 'COMMIT' || answer === 'ROLLBACK' ? answer : 'UNKNOWN';
  } catch {
    return 'UNKNOWN';
  }
}
