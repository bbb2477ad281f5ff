// Message query: a message, its state and its trace events in time order.
import { NotFoundError } from './errors.ts';
import { isMessageId } from './ids.ts';
import { toDelivered, type DeliveredMessage, type Message, type MessageState, type TraceEvent } from './model.ts';
import type { MessageStore } from './ports.ts';

export interface MessageView {
  message: DeliveredMessage;
  state: MessageState;
  events: Array<Omit<TraceEvent, 'at'> & { at: string }>;
}

/** A message that waited for the tick (rather than going straight to SQS with a delay). */
function wasScheduled(message: Message): boolean {
  return (
    message.state === 'SCHEDULED' ||
    (message.transitions ?? []).some((event) => event.type === 'DUE' || event.type === 'CANCELLED')
  );
}

export async function findMessage(store: MessageStore, messageId: string): Promise<MessageView> {
  const found = isMessageId(messageId) ? await store.get(messageId) : undefined;
  if (found === undefined) throw new NotFoundError('MESSAGE', messageId);
  // The message item itself records publication: no extra write for it.
  const born: TraceEvent[] = [
    { type: found.message.topicType === 'TRANSACTION' ? 'PREPARED' : 'PUBLISHED', at: found.message.bornAt },
  ];
  if (wasScheduled(found.message))
    born.push({
      type: 'SCHEDULED',
      at: found.message.bornAt,
      detail: { deliverAt: new Date(found.message.deliverAt!).toISOString() },
    });
  const events = [...born, ...(found.message.transitions ?? []), ...found.events]
    .sort((a, b) => a.at - b.at)
    .map((event) => ({ ...event, at: new Date(event.at).toISOString() }));
  return { message: toDelivered(found.message), state: found.message.state, events };
}
