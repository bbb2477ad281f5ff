// Wires the core's services to whatever stores and queues they are given (AWS adapters in every environment).
import { Admin } from './admin.ts';
import type { FerryConfig } from './config.ts';
import { Consumer } from './consume.ts';
import { Dispatcher } from './dispatch.ts';
import type { ConsumerGroup, Topic } from './model.ts';
import type { CatalogStore, Clock, MessageStore, QueueService, Route } from './ports.ts';
import { Publisher } from './publish.ts';
import { TtlCache } from './ttl-cache.ts';

export interface Ports {
  catalog: CatalogStore;
  store: MessageStore;
  queues: QueueService;
  clock: Clock;
  config: FerryConfig;
  /** Named readiness checks for `GET /v1/health`: each resolves when its part works. */
  checks: Record<string, () => Promise<void>>;
}

export interface FerryServices {
  admin: Admin;
  publisher: Publisher;
  consumer: Consumer;
  dispatcher: Dispatcher;
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
    store: ports.store,
    config: ports.config,
    checks: ports.checks,
  };
}
