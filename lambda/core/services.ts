// Wires the core's services to whatever stores and queues they are given: the AWS adapters, or the memory ones in unit tests.
import { Admin } from './admin.ts';
import type { FerryConfig } from './config.ts';
import { Consumer } from './consume.ts';
import { Dispatcher } from './dispatch.ts';
import type { ConsumerGroup, Topic } from './model.ts';
import type { FaultLog, MessageStore, Ports, Route } from './ports.ts';
import { DeadLetters } from './dead-letters.ts';
import { Decisions } from './decisions.ts';
import { Producers } from './producers.ts';
import { Tick } from './tick.ts';
import { Publisher } from './publish.ts';
import { Pusher } from './push.ts';
import { Sweep } from './sweep.ts';
import { TtlCache } from './ttl-cache.ts';

export interface FerryServices {
  admin: Admin;
  publisher: Publisher;
  consumer: Consumer;
  dispatcher: Dispatcher;
  decisions: Decisions;
  deadLetters: DeadLetters;
  producers: Producers;
  tick: Tick;
  pusher: Pusher;
  store: MessageStore;
  config: FerryConfig;
  checks: Ports['checks'];
  faults: FaultLog;
}

export function createServices(ports: Ports): FerryServices {
  const ttlMs = ports.config.catalogCacheSeconds * 1000;
  const topics = new TtlCache<Topic | undefined>(ttlMs, ports.clock);
  const groups = new TtlCache<ConsumerGroup | undefined>(ttlMs, ports.clock);
  const routes = new TtlCache<Route[]>(ttlMs, ports.clock);
  const dispatcher = new Dispatcher({
    routesOf: (topic) => routes.get(topic, () => ports.catalog.routesOf(topic)),
    currentRoutesOf: (topic) => ports.catalog.routesOf(topic),
    queues: ports.queues,
    store: ports.store,
    clock: ports.clock,
    faults: ports.faults,
  });
  const sweep = new Sweep(ports.store, dispatcher, ports.clock, ports.faults, ports.config.sweepAfterSeconds * 1000);
  return {
    admin: new Admin(ports.catalog, ports.queues, ports.clock, ports.config.defaultRetentionHours, {
      mappings: ports.pushMappings,
      allowHttpLoopback: ports.config.allowHttpLoopback,
    }),
    publisher: new Publisher(
      (name) => topics.get(name, () => ports.catalog.getTopic(name)),
      ports.store,
      ports.config,
      ports.clock,
    ),
    consumer: new Consumer(
      (name) => groups.get(name, () => ports.catalog.getGroup(name)),
      ports.queues,
      ports.store,
      ports.clock,
      ports.faults,
    ),
    dispatcher,
    decisions: new Decisions(ports.store, ports.clock),
    deadLetters: new DeadLetters(
      (name) => groups.get(name, () => ports.catalog.getGroup(name)),
      ports.queues,
      () => ports.clock.now(),
    ),
    producers: new Producers(ports.catalog, ports.store, ports.clock, ports.config.allowHttpLoopback),
    tick: new Tick(
      ports.store,
      ports.wheel,
      (name) => ports.catalog.getProducerGroup(name),
      ports.checkClient,
      ports.config,
      ports.clock,
      ports.shardWaker,
      (message, error) =>
        ports.faults.report('TICK_MESSAGE_FAILED', {
          messageId: message.messageId,
          state: message.state,
          error: String(error),
        }),
      sweep,
    ),
    pusher: new Pusher(ports.pushTransport, ports.queues, ports.store, ports.clock, ports.faults),
    store: ports.store,
    config: ports.config,
    checks: ports.checks,
    faults: ports.faults,
  };
}
