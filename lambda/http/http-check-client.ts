// The check-back adapter: calls a producer's check endpoint over HTTP with a deadline; any answer but COMMIT or ROLLBACK, or none, is UNKNOWN.
import type { CheckClient } from '../core/ports.ts';

export const httpCheckClient: CheckClient = {
  async check(url, payload, timeoutMs) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) return 'UNKNOWN';
      const answer = ((await response.json()) as { status?: unknown } | null)?.status;
      return answer === 'COMMIT' || answer === 'ROLLBACK' ? answer : 'UNKNOWN';
    } catch {
      return 'UNKNOWN';
    }
  },
};
