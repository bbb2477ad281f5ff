// Wires the core's services to whatever stores and queues they are given: the AWS adapters, or the memory ones in unit tests.
import { Admin } from './admin.ts';
import type { FerryConfig } from './config.ts';
import { Consumer } from './consume.ts';
import { Dispatcher } from './dispatch.ts';
import type { ConsumerGroup, Topic } from './model.ts';
import type { MessageStore, Ports, Route } from './ports.ts';
import { DeadLetters } from './dead-letters.ts';
import { Decisions } from './decisions.ts';
import { Producers } from './producers.ts';
import { Tick } from './tick.ts';
import { Publisher } from './publish.ts';
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
  store: MessageStore;
  config: FerryConfig;
  checks: Ports['checks'];
}

export function createServices(ports: Ports): FerryServices {
  const ttlMs = ports.config.catalogCacheSeconds * 1000;
  const topics = new TtlCache<Topic | undefined>(ttlMs, ports.clock);
  const groups = new TtlCache<ConsumerGroup | undefined>(ttlMs, ports.clock);
  const routes = new TtlCache<Route[]>(ttlMs, ports.clock);
  return {
    admin: new Admin(ports.catalog, ports.queues, ports.clock, ports.config.defaultRetentionHours),
    publisher: new Publisher((name) => topics.get(name, () => ports.catalog.getTopic(name)), ports.store, ports.config, ports.clock),
    consumer: new Consumer((name) => groups.get(name, () => ports.catalog.getGroup(name)), ports.queues, ports.store, ports.clock),
    dispatcher: new Dispatcher((topic) => routes.get(topic, () => ports.catalog.routesOf(topic)), ports.queues, ports.store, ports.clock),
    decisions: new Decisions(ports.store, ports.clock),
    deadLetters: new DeadLetters((name) => groups.get(name, () => ports.catalog.getGroup(name)), ports.queues, () => ports.clock.now()),
    producers: new Producers(ports.catalog, ports.store, ports.clock, ports.config.allowHttpLoopback),
    tick: new Tick(ports.store, ports.wheel, (name) => ports.catalog.getProducerGroup(name), ports.checkClient, ports.config, ports.clock, ports.shardWaker),
    store: ports.store,
    config: ports.config,
    checks: ports.checks,
  };
}
