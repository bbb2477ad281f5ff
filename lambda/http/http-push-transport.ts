// The push adapter: POSTs a message to a push endpoint with a deadline, following no redirect (a 3xx is a failure).
import type { PushTransport } from '../core/ports.ts';

/**
 * What the endpoint answers is read and dropped: only the status and Retry-After matter. (Address checks after DNS
 * resolution come with the signing branch's outbound call, which this adapter is to use once merged.)
 */
export const httpPushTransport: PushTransport = {
  async post({ url, body, headers, timeoutMs }) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Ferry', ...headers },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
      const retryAfter = response.headers.get('retry-after');
      return { kind: 'answered', status: response.status, ...(retryAfter === null ? {} : { retryAfter }) };
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      return { kind: 'failed', error: `${error instanceof Error ? error.message : String(error)}${cause}` };
    }
  },
};
