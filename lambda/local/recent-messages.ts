// The local stack remembers each topic's latest messages for the dashboard's filter playground (AWS has the topic query).
import type { Message } from '../core/model.ts';
import type { MessageStore } from '../core/ports.ts';
import type { PreviewedMessage } from '../core/filter-preview.ts';

/** Per topic; the playground tries a filter on at most this many. */
const KEPT_PER_TOPIC = 500;

export class RecentMessages {
  private readonly byTopic = new Map<string, PreviewedMessage[]>();

  /** The store, remembering every message written through it. */
  watch(store: MessageStore): MessageStore {
    return new Proxy(store, {
      get: (target, property) => {
        if (property === 'insert')
          return async (messages: Message[]) => {
            await target.insert(messages);
            this.remember(messages);
          };
        if (property === 'insertOnce')
          return async (message: Message & { dedupKey: string }) => {
            const first = await target.insertOnce(message);
            if (first === undefined) this.remember([message]);
            return first;
          };
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /** Newest first. */
  async recent(topic: string, limit: number): Promise<PreviewedMessage[]> {
    return (this.byTopic.get(topic) ?? []).slice(-limit).reverse();
  }

  private remember(messages: Message[]): void {
    for (const message of messages) {
      const kept = this.byTopic.get(message.topic) ?? [];
      kept.push({
        messageId: message.messageId,
        properties: message.properties,
        ...(message.tag === undefined ? {} : { tag: message.tag }),
      });
      if (kept.length > KEPT_PER_TOPIC) kept.splice(0, kept.length - KEPT_PER_TOPIC);
      this.byTopic.set(message.topic, kept);
    }
  }
}
