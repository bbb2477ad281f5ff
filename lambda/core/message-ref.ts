// The reference by which trace writes find a message's items again.
import type { DeliveredMessage, Message } from './model.ts';
import type { DispatchedRef, MessageRef } from './ports.ts';

export function refOf(message: Pick<Message | DeliveredMessage, 'messageId' | 'topic' | 'messageGroup'>): MessageRef {
  const ref: MessageRef = { messageId: message.messageId, topic: message.topic };
  if (message.messageGroup !== undefined) ref.messageGroup = message.messageGroup;
  return ref;
}

/**
 * A message made READY after it was published (committed, or due) went through `transition`, which recorded it in the
 * outbox first; a message published READY has no outbox entry (the store finds it by its own walk).
 */
export function dispatchedRefOf(message: Message): DispatchedRef {
  const outboxed = (message.transitions ?? []).some((event) => event.type === 'COMMITTED' || event.type === 'DUE');
  return { ...refOf(message), outboxed };
}
