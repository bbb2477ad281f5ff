// The push adapter: POSTs a message to a push endpoint through the outbound call that check-backs use (the same URL and
// address rules, checked after DNS resolution; no redirect followed: a 3xx is a failure).
import type { PushTransport } from '../core/ports.ts';
import type { OutboundPost } from './outbound-post.ts';

export function createHttpPushTransport(post: OutboundPost): PushTransport {
  return {
    async post(request) {
      const result = await post(request);
      if (result.kind === 'answered')
        return {
          kind: 'answered',
          status: result.status,
          ...(result.retryAfter === undefined ? {} : { retryAfter: result.retryAfter }),
        };
      return { kind: 'failed', error: result.kind === 'refused' ? result.refusal.message : result.error };
    },
  };
}
