// The check-back adapter: a signed POST to a producer's check endpoint with a deadline; any answer but a 2xx COMMIT or
// ROLLBACK (a redirect, an error, garbage, a refused or unreachable endpoint, none in time) is UNKNOWN, and says why.
import { logger } from '../aws/logger.ts';
import type { CheckClient, CheckOutcome } from '../core/ports.ts';
import { SIGNATURE_HEADER, signatureHeader } from '../core/signature.ts';
import type { OutboundPost, OutboundResult } from './outbound-post.ts';

/**
 * The reason goes into the CHECKED trace event, which the message's item must hold once per check-back: the DynamoDB
 * store keeps 256 bytes for each state change's event.
 */
export const MAX_REASON_BYTES = 120;

const VALID_STATUSES = 'COMMIT, ROLLBACK or UNKNOWN';

export function createHttpCheckClient(post: OutboundPost, now: () => number = Date.now): CheckClient {
  return {
    async check(url, payload, { timeoutMs, secrets }) {
      const body = JSON.stringify(payload);
      const headers: Record<string, string> = {};
      if (secrets.length > 0) headers[SIGNATURE_HEADER] = signatureHeader(body, secrets, Math.floor(now() / 1000));
      const result = await post({ url, body, headers, timeoutMs });
      if (result.kind === 'refused') {
        logger.warn('check-back endpoint refused', { url, rule: result.refusal.rule, reason: result.refusal.message });
        return unknown(`not called: ${result.refusal.message}`);
      }
      const outcome = outcomeOf(result, timeoutMs);
      if (outcome.reason !== undefined)
        logger.info('check-back without a valid answer', {
          url,
          producerGroup: payload.producerGroup,
          messageId: payload.messageId,
          reason: outcome.reason,
        });
      return outcome;
    },
  };
}

function outcomeOf(result: Exclude<OutboundResult, { kind: 'refused' }>, timeoutMs: number): CheckOutcome {
  if (result.kind === 'failed') return unknown(failureOf(result.error, timeoutMs));
  if (result.status >= 300 && result.status <= 399) return unknown(`redirect (${result.status}) not followed`);
  if (result.status < 200 || result.status > 299) return unknown(`HTTP ${result.status}`);
  let answer: unknown;
  try {
    answer = JSON.parse(result.body);
  } catch {
    return unknown('not JSON');
  }
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return unknown('not a JSON object');
  const status = (answer as { status?: unknown }).status;
  if (status === 'COMMIT' || status === 'ROLLBACK' || status === 'UNKNOWN') return { answer: status };
  if (status === undefined) return unknown('no status');
  // A short word is quoted (the usual slip: 'commit', 'OK'); anything else of the body is not repeated.
  return unknown(
    typeof status === 'string' && /^[A-Za-z_-]{1,20}$/.test(status)
      ? `status '${status}' is not ${VALID_STATUSES}`
      : `the status is not ${VALID_STATUSES}`,
  );
}

/** A connection's failure in plain words; the outbound call's only abort is its deadline. */
function failureOf(error: string, timeoutMs: number): string {
  if (/abort|time ?out/i.test(error)) return `no answer within ${timeoutMs / 1000} s`;
  if (error.includes('ECONNREFUSED')) return 'connection refused';
  if (error.includes('ECONNRESET') || error === 'socket hang up') return 'connection closed without an answer';
  return error;
}

function unknown(reason: string): CheckOutcome {
  return { answer: 'UNKNOWN', reason: shortened(reason) };
}

function shortened(text: string): string {
  if (Buffer.byteLength(text) <= MAX_REASON_BYTES) return text;
  let cut = '';
  for (const character of text) {
    if (Buffer.byteLength(cut + character) > MAX_REASON_BYTES - 3) break;
    cut += character;
  }
  return `${cut}...`;
}
