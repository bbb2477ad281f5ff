// The dispatcher wired from the ports it needs, for the functions that only dispatch (the stream's, the redrive's):
// apart from services.ts, whose other services import ipaddr.js (CommonJS, which esbuild keeps in every bundle that
// imports it, used or not). createServices builds the same dispatcher.
import { Dispatcher } from './dispatch.ts';
import { noMetrics } from './metrics.ts';
import type { Ports, Route } from './ports.ts';
import { TtlCache } from './ttl-cache.ts';

/** What the dispatcher is wired from. */
export type DispatchingPorts = Pick<Ports, 'catalog' | 'queues' | 'store' | 'clock' | 'faults' | 'metrics' | 'config'>;

export function createDispatcher(ports: DispatchingPorts): Dispatcher {
  const routes = new TtlCache<Route[]>(ports.config.catalogCacheSeconds * 1000, ports.clock);
  let revision: number | undefined;
  return new Dispatcher({
    // One consistent read a batch: routes cached before a group changed are read again, so that every message
    // published after a PUT or DELETE of a group returned is dispatched by the routes it wrote.
    routesNow: async () => {
      const now = await ports.catalog.routesRevision();
      if (now !== revision) {
        routes.clear();
        revision = now;
      }
      return (topic) => routes.get(topic, () => ports.catalog.routesOf(topic));
    },
    currentRoutesOf: (topic) => ports.catalog.routesOf(topic),
    queues: ports.queues,
    store: ports.store,
    clock: ports.clock,
    faults: ports.faults,
    metrics: ports.metrics ?? noMetrics,
  });
}
