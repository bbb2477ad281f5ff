// What a producer decides about its messages: commit or roll back a transaction, cancel a scheduled message.
import { ConflictError, NotFoundError, ValidationError } from './errors.ts';
import { isMessageId } from './ids.ts';
import type { Message, MessageId, MessageState } from './model.ts';
import type { Clock, MessageStore, Transition } from './ports.ts';
import { cancel, commit, rollback } from './state-machine.ts';
import { handedOnAlready } from './delivery-time.ts';
import { noMetrics, type Metrics } from './metrics.ts';

export interface DecisionResult {
  messageId: MessageId;
  state: MessageState;
}

export class Decisions {
  constructor(
    private readonly store: MessageStore,
    private readonly clock: Clock,
    private readonly metrics: Metrics = noMetrics,
  ) {}

  /** The same decision again is a no-op; the other decision after one was made is a conflict. */
  async commit(messageId: string): Promise<DecisionResult> {
    return this.decide(this.knownId(messageId), commit(this.clock.now(), 'PRODUCER'), 'READY');
  }

  async rollback(messageId: string): Promise<DecisionResult> {
    return this.decide(this.knownId(messageId), rollback(this.clock.now(), 'PRODUCER'), 'ROLLED_BACK');
  }

  async cancel(messageId: string): Promise<DecisionResult> {
    const id = this.knownId(messageId);
    const result = await this.store.transition(id, cancel(this.clock.now()));
    if (result.applied) return { messageId: id, state: 'CANCELLED' };
    const current = requireFound(result.current, id);
    if (current.state === 'CANCELLED') return { messageId: id, state: 'CANCELLED' };
    if (current.topicType !== 'DELAY')
      throw new ConflictError(
        `message ${id} is not a scheduled message (topic type ${current.topicType})`,
        'NOT_SCHEDULED',
      );
    throw new ConflictError(handedOnAlready(current), 'NO_LONGER_CANCELLABLE');
  }

  private async decide(messageId: MessageId, transition: Transition, wanted: MessageState): Promise<DecisionResult> {
    const result = await this.store.transition(messageId, transition);
    if (result.applied) {
      // The topic is in the item the write changed, not in the id: one read more, only when counting.
      const topic = (await this.store.get(messageId))?.message.topic;
      if (topic !== undefined) this.metrics.count(wanted === 'READY' ? 'committed' : 'rolledBack', { topic });
      return { messageId, state: wanted };
    }
    const current = requireFound(result.current, messageId);
    if (current.topicType !== 'TRANSACTION')
      throw new ConflictError(`message ${messageId} is not a transaction message`, 'NOT_A_TRANSACTION');
    if (current.state === wanted) return { messageId, state: wanted };
    throw new ConflictError(
      `transaction ${messageId} was already decided: it is ${current.state}`,
      'TRANSACTION_ALREADY_DECIDED',
    );
  }

  private knownId(messageId: string): MessageId {
    if (!isMessageId(messageId))
      throw new ValidationError(
        `'${messageId}' is not a Ferry message id (26 characters, Crockford base32)`,
        'INVALID_MESSAGE_ID',
      );
    return messageId;
  }
}

function requireFound(current: Message | undefined, messageId: MessageId): Message {
  if (current === undefined) throw new NotFoundError('MESSAGE', messageId);
  return current;
}
