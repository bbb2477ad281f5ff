// The reference by which trace writes find a message's items again.
import type { DeliveredMessage, Message } from './model.ts';
import type { MessageRef } from './ports.ts';

export function refOf(message: Pick<Message | DeliveredMessage, 'messageId' | 'topic' | 'messageGroup'>): MessageRef {
  const ref: MessageRef = { messageId: message.messageId, topic: message.topic };
  if (message.messageGroup !== undefined) ref.messageGroup = message.messageGroup;
  return ref;
}
