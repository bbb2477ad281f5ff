// Topics, consumer groups, producer groups and routes in memory, with the semantics of the DynamoDB catalog.
import type { ConsumerGroup, ProducerGroup, Topic } from '../core/model.ts';
import type { CatalogStore, Route } from '../core/ports.ts';

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export class MemoryCatalog implements CatalogStore {
  private readonly topics = new Map<string, Topic>();
  private readonly groups = new Map<string, ConsumerGroup>();
  private readonly producerGroups = new Map<string, ProducerGroup>();
  /** topic → group → route, as the table keeps one route item per subscription. */
  private readonly routes = new Map<string, Map<string, Route>>();
  private revision = 0;

  async getTopic(name: string): Promise<Topic | undefined> {
    return copy(this.topics.get(name));
  }

  async createTopic(topic: Topic): Promise<Topic> {
    const stored = this.topics.get(topic.name);
    if (stored !== undefined) return copy(stored);
    this.topics.set(topic.name, copy(topic));
    return copy(topic);
  }

  async listTopics(): Promise<Topic[]> {
    return [...this.topics.values()].sort(byName).map(copy);
  }

  async deleteTopic(name: string): Promise<boolean> {
    return this.topics.delete(name);
  }

  async getGroup(name: string): Promise<ConsumerGroup | undefined> {
    return copy(this.groups.get(name));
  }

  async putGroup(group: ConsumerGroup, previous: ConsumerGroup | undefined): Promise<void> {
    const topics = new Set(group.subscriptions.map((subscription) => subscription.topic));
    for (const dropped of previous?.subscriptions ?? []) {
      if (!topics.has(dropped.topic)) this.routes.get(dropped.topic)?.delete(group.name);
    }
    this.groups.set(group.name, copy(group));
    for (const subscription of group.subscriptions) {
      const route: Route = { group: group.name, queueUrl: group.queueUrl, fifo: group.fifo };
      if (subscription.filter !== undefined) route.filter = copy(subscription.filter);
      const routes = this.routes.get(subscription.topic) ?? new Map<string, Route>();
      routes.set(group.name, route);
      this.routes.set(subscription.topic, routes);
    }
    this.revision++;
  }

  async listGroups(): Promise<ConsumerGroup[]> {
    return [...this.groups.values()].sort(byName).map(copy);
  }

  async deleteGroup(group: ConsumerGroup): Promise<void> {
    this.groups.delete(group.name);
    for (const subscription of group.subscriptions) this.routes.get(subscription.topic)?.delete(group.name);
    this.revision++;
  }

  async routesRevision(): Promise<number> {
    return this.revision;
  }

  async routesOf(topic: string): Promise<Route[]> {
    return [...(this.routes.get(topic)?.values() ?? [])]
      .sort((a, b) => byName({ name: a.group }, { name: b.group }))
      .map(copy);
  }

  async getProducerGroup(name: string): Promise<ProducerGroup | undefined> {
    return copy(this.producerGroups.get(name));
  }

  async putProducerGroup(group: ProducerGroup, previous: ProducerGroup | undefined): Promise<boolean> {
    if (this.producerGroups.get(group.name)?.revision !== previous?.revision) return false;
    this.producerGroups.set(group.name, copy(group));
    return true;
  }
}

/** What goes in or comes out is a copy, as it would be through a database: callers cannot change what is stored. */
function copy<T>(value: T): T {
  return structuredClone(value);
}
