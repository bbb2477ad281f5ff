// Message query: a message, its state and its trace events in time order.
import { NotFoundError } from './errors.ts';
import { isMessageId } from './ids.ts';
import {
  toDelivered,
  toQueued,
  type DeliveredMessage,
  type Message,
  type MessageState,
  type TraceEvent,
} from './model.ts';
import { withBody } from './large-body.ts';
import type { BodyStore, MessageStore } from './ports.ts';

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

/** The delivery time it was published with: a reschedule moved `deliverAt`, and its event says from what. */
function firstDeliveryTime(message: Message): string {
  // Transitions are appended in the order they happened: the first reschedule names the time published with.
  const from = (message.transitions ?? []).find((event) => event.type === 'RESCHEDULED')?.detail?.from;
  return typeof from === 'string' ? from : new Date(message.deliverAt!).toISOString();
}

/** Events a consumer's call records: in a tie of milliseconds they come after the dispatch that made them possible. */
const CONSUMER_SIDE = new Set<TraceEvent['type']>([
  'RECEIVED',
  'ACKED',
  'NACKED',
  'DEAD_LETTERED',
  'PUSHED',
  'PUSH_FAILED',
]);
/** A dead letter is written with the failure that caused it, at the same millisecond: it is shown after it. */
const consumerSide = (event: TraceEvent) =>
  event.type === 'DEAD_LETTERED' ? 2 : CONSUMER_SIDE.has(event.type) ? 1 : 0;

/** `bodies`: where a large body is fetched from, so that the view shows the whole message. */
export async function findMessage(store: MessageStore, messageId: string, bodies?: BodyStore): Promise<MessageView> {
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
      detail: { deliverAt: firstDeliveryTime(found.message) },
    });
  const events = [...born, ...(found.message.transitions ?? []), ...found.events]
    .sort((a, b) => a.at - b.at || consumerSide(a) - consumerSide(b))
    .map((event) => ({ ...event, at: new Date(event.at).toISOString() }));
  const message =
    found.message.bodyRef === undefined ? toDelivered(found.message) : await withBody(toQueued(found.message), bodies);
  return { message, state: found.message.state, events };
}
