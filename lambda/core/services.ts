// Wires the core's services to whatever stores and queues they are given: the AWS adapters, or the memory ones in unit tests.
import { Admin } from './admin.ts';
import { createDispatcher, type DispatchingPorts } from './wiring.ts';
import type { FerryConfig } from './config.ts';
import { Consumer } from './consume.ts';
import { Dispatcher } from './dispatch.ts';
import type { ConsumerGroup, ProducerGroup, Topic } from './model.ts';
import type { BodyStore, FaultLog, MessageStore, Ports } from './ports.ts';
import { DeadLetters } from './dead-letters.ts';
import { Decisions } from './decisions.ts';
import { Listing } from './listing.ts';
import { Producers } from './producers.ts';
import { Replays } from './replay.ts';
import { Scheduling } from './scheduling.ts';
import { Tick } from './tick.ts';
import { Publisher } from './publish.ts';
import { Pusher } from './push.ts';
import { Sweep } from './sweep.ts';
import { DeadLetterWatch } from './dead-letter-watch.ts';
import { TtlCache } from './ttl-cache.ts';
import { noMetrics, type Metrics } from './metrics.ts';

/** What the HTTP API serves from: every service but the background functions' (dispatch, the tick, push). */
export interface ApiServices {
  admin: Admin;
  publisher: Publisher;
  consumer: Consumer;
  decisions: Decisions;
  deadLetters: DeadLetters;
  producers: Producers;
  listing: Listing;
  scheduling: Scheduling;
  replays: Replays;
  store: MessageStore;
  /** Where bodies too large for an item are kept, where this function has one. */
  bodies?: BodyStore;
  config: FerryConfig;
  checks: Ports['checks'];
  faults: FaultLog;
  metrics: Metrics;
}

/** Every service: the local stack and the tests run the API and the background functions in one process. */
export interface FerryServices extends ApiServices {
  dispatcher: Dispatcher;
  tick: Tick;
  pusher: Pusher;
}

/** What the API's services are wired from: no check-back or push calls, no fan-out (the tick's and pusher's). */
export type ApiPorts = Omit<Ports, 'checkClient' | 'pushTransport' | 'shardWaker'>;

/** What the tick is wired from: the dispatcher's, and what check-backs, replays and the fan-out need. */
export type TickingPorts = DispatchingPorts & Pick<Ports, 'wheel' | 'checkClient' | 'shardWaker'>;
/** What the pusher is wired from. */
export type PushingPorts = Pick<
  Ports,
  'pushTransport' | 'queues' | 'store' | 'clock' | 'faults' | 'metrics' | 'bodies'
>;

/*
 * The tick's and the pusher's functions build theirs alone with these (lambda/aws/services.ts), so that their bundles
 * leave out the services they never call; createServices builds the same ones.
 */

/** Uncached: a replay follows the group's filter and queue as they are now. */
function createReplays(ports: DispatchingPorts): Replays {
  return new Replays((name) => ports.catalog.getGroup(name), ports.store, ports.queues, ports.clock, ports.faults);
}

export function createTick(
  ports: TickingPorts,
  dispatcher: Dispatcher = createDispatcher(ports),
  replays: Replays = createReplays(ports),
): Tick {
  const sweep = new Sweep(
    ports.store,
    dispatcher,
    ports.clock,
    ports.faults,
    ports.config.sweepAfterSeconds * 1000,
    async () => (await ports.catalog.listTopics()).map((topic) => topic.name),
  );
  return new Tick(
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
    ports.metrics ?? noMetrics,
    replays,
    new DeadLetterWatch(
      () => ports.catalog.listGroups(),
      ports.queues,
      ports.metrics ?? noMetrics,
      ports.faults,
      ports.clock,
      ports.config.deadLetterCountSeconds,
    ),
  );
}

export function createPusher(ports: PushingPorts): Pusher {
  return new Pusher(
    ports.pushTransport,
    ports.queues,
    ports.store,
    ports.clock,
    ports.faults,
    ports.metrics ?? noMetrics,
    ports.bodies,
  );
}

/** The API's function builds these alone (lambda/handlers/api.ts): its bundle leaves out the tick, push and dispatch. */
export function createApiServices(ports: ApiPorts): ApiServices {
  const ttlMs = ports.config.catalogCacheSeconds * 1000;
  const metrics = ports.metrics ?? noMetrics;
  const topics = new TtlCache<Topic | undefined>(ttlMs, ports.clock);
  const groups = new TtlCache<ConsumerGroup | undefined>(ttlMs, ports.clock);
  const producerGroups = new TtlCache<ProducerGroup | undefined>(ttlMs, ports.clock);
  const topicOf = (name: string) => topics.get(name, () => ports.catalog.getTopic(name));
  const decisions = new Decisions(ports.store, ports.clock, metrics);
  const replays = createReplays(ports);
  return {
    admin: new Admin(
      ports.catalog,
      ports.queues,
      ports.clock,
      ports.config.defaultRetentionHours,
      { mappings: ports.pushMappings, endpointRules: ports.config.endpointRules, resolve: ports.resolve },
      (kind, name) => (kind === 'topic' ? topics : groups).delete(name),
    ),
    publisher: new Publisher(
      (name) => topics.get(name, () => ports.catalog.getTopic(name)),
      ports.store,
      ports.config,
      ports.clock,
      metrics,
      ports.bodies,
      async (name) => (await producerGroups.get(name, () => ports.catalog.getProducerGroup(name))) !== undefined,
    ),
    consumer: new Consumer(
      (name) => groups.get(name, () => ports.catalog.getGroup(name)),
      ports.queues,
      ports.store,
      ports.clock,
      ports.faults,
      ports.receiptKeys,
      metrics,
      ports.bodies,
    ),
    decisions,
    listing: new Listing(ports.store, topicOf),
    scheduling: new Scheduling(ports.store, topicOf, decisions, ports.config, ports.clock),
    replays,
    deadLetters: new DeadLetters(
      (name) => groups.get(name, () => ports.catalog.getGroup(name)),
      ports.queues,
      () => ports.clock.now(),
    ),
    producers: new Producers(ports.catalog, ports.store, ports.clock, ports.config.endpointRules, ports.resolve),
    store: ports.store,
    ...(ports.bodies === undefined ? {} : { bodies: ports.bodies }),
    config: ports.config,
    checks: ports.checks,
    faults: ports.faults,
    metrics,
  };
}

export function createServices(ports: Ports): FerryServices {
  const api = createApiServices(ports);
  const dispatcher = createDispatcher(ports);
  return { ...api, dispatcher, tick: createTick(ports, dispatcher, api.replays), pusher: createPusher(ports) };
}
