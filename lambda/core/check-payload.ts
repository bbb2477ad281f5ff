// What a producer is told about an undecided transaction: by its check endpoint (check-back) or when it pulls its checks.
import type { Message } from './model.ts';

/** API contract: `{ messageId, topic, producerGroup, tag, keys, properties, checkCount }`. */
export function checkPayload(message: Message, checkCount: number): Record<string, unknown> {
  return {
    messageId: message.messageId,
    topic: message.topic,
    producerGroup: message.producerGroup,
    tag: message.tag,
    keys: message.keys,
    properties: message.properties,
    checkCount,
  };
}
