// The producers' check-back endpoint of the chaos run: answers by the message's `intent` property, as a producer's own
// database would.
import { startCheckEndpoint, type CheckEndpoint } from '../test/support/check-endpoint.ts';

/** COMMIT for intents that commit, ROLLBACK for those that roll back; `check-late-commit` answers UNKNOWN once first. */
export function startChaosCheckEndpoint(): Promise<CheckEndpoint> {
  const askedBefore = new Set<string>();
  return startCheckEndpoint(({ messageId, properties }) => {
    const intent = properties?.intent ?? '';
    const firstAsk = !askedBefore.has(messageId);
    askedBefore.add(messageId);
    if (intent === 'rollback' || intent === 'check-rollback') return 'ROLLBACK';
    if (intent === 'commit' || intent === 'check-commit') return 'COMMIT';
    if (intent === 'check-late-commit') return firstAsk ? 'UNKNOWN' : 'COMMIT';
    return 'UNKNOWN';
  });
}
