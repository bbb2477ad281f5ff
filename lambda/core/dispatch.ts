// The one path by which a READY message reaches consumers: filter per subscription, send to each matching group's queue.
import { cachedFilter } from './filter/index.ts';
import { refOf } from './message-ref.ts';
import { toDelivered, type Message } from './model.ts';
import { encodeForQueue } from './queue-body.ts';
import type { Clock, MessageStore, OutgoingMessage, QueueService, Route, TraceEntry } from './ports.ts';

export interface DispatchOutcome {
  /** Index of the first message not fully handed on; it and everything after must be dispatched again. */
  firstFailure?: number;
}

interface Delivery {
  index: number;
  route: Route;
  outgoing: OutgoingMessage;
}

export class Dispatcher {
  constructor(
    private readonly routesOf: (topic: string) => Promise<Route[]>,
    private readonly queues: QueueService,
    private readonly store: MessageStore,
    private readonly clock: Clock,
  ) {}

  /**
   * Messages arrive in stream order. On a failure, the first failed message and all later ones are reported
   * so the caller retries from there: earlier ones are never sent twice, later ones may be (at-least-once).
   */
  async dispatch(messages: Message[]): Promise<DispatchOutcome> {
    const routes = await Promise.all(messages.map((message) => this.matchingRoutes(message)));
    const deliveries = routes.flatMap((matched, index) => matched.map((route) => this.delivery(messages[index]!, index, route)));
    const failedIndexes = await this.sendAll(deliveries);
    const firstFailure = failedIndexes.length === 0 ? undefined : Math.min(...failedIndexes);
    const handedOn = firstFailure === undefined ? messages.length : firstFailure;
    await this.store.appendTrace(messages.slice(0, handedOn).map((message, index) => this.dispatchedEvent(message, routes[index]!)));
    return firstFailure === undefined ? {} : { firstFailure };
  }

  private async matchingRoutes(message: Message): Promise<Route[]> {
    const routes = await this.routesOf(message.topic);
    const target = message.tag === undefined ? { properties: message.properties } : { tag: message.tag, properties: message.properties };
    return routes.filter((route) => cachedFilter(route.filter)(target));
  }

  private delivery(message: Message, index: number, route: Route): Delivery {
    const outgoing: OutgoingMessage = { id: String(index), body: encodeForQueue(toDelivered(message)) };
    if (route.fifo) {
      outgoing.messageGroupId = message.messageGroup ?? message.topic;
      // The message id as deduplication id: a re-dispatch within SQS's window is not delivered twice.
      outgoing.deduplicationId = message.messageId;
    } else if (message.deliverAt !== undefined) {
      outgoing.delaySeconds = Math.max(0, Math.min(900, Math.ceil((message.deliverAt - this.clock.now()) / 1000)));
    }
    return { index, route, outgoing };
  }

  /** One batched send per queue, queues in parallel; answers the indexes of messages with any failed send. */
  private async sendAll(deliveries: Delivery[]): Promise<number[]> {
    const byQueue = new Map<string, Delivery[]>();
    for (const delivery of deliveries) {
      const list = byQueue.get(delivery.route.queueUrl) ?? [];
      list.push(delivery);
      byQueue.set(delivery.route.queueUrl, list);
    }
    const failed = await Promise.all(
      [...byQueue].map(async ([queueUrl, list]) => {
        try {
          const { failedIds } = await this.queues.send(queueUrl, list.map((delivery) => delivery.outgoing));
          return failedIds.map(Number);
        } catch {
          return list.map((delivery) => delivery.index);
        }
      }),
    );
    return failed.flat();
  }

  private dispatchedEvent(message: Message, routes: Route[]): TraceEntry {
    // One trace write for every group the message went to (trace must not multiply what a message costs).
    return { message: refOf(message), event: { type: 'DISPATCHED', at: this.clock.now(), groups: routes.map((route) => route.group) }, expiresAt: message.expiresAt };
  }
}
