// Producer groups: where Ferry checks back undecided transactions, and the checks that pulling producers read.
import { NotFoundError, ValidationError } from './errors.ts';
import type { ProducerGroup } from './model.ts';
import type { CatalogStore, Clock, MessageStore } from './ports.ts';
import { checkPayload } from './check-payload.ts';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export class Producers {
  constructor(
    private readonly catalog: CatalogStore,
    private readonly store: MessageStore,
    private readonly clock: Clock,
    /** The local stack allows http:// on loopback so that a producer on the same laptop can answer. */
    private readonly allowHttpLoopback: boolean,
  ) {}

  async put(name: string, input: { checkUrl?: string }): Promise<ProducerGroup> {
    if (input.checkUrl !== undefined) this.checkUrl(input.checkUrl);
    const previous = await this.catalog.getProducerGroup(name);
    const group: ProducerGroup = { name, createdAt: previous?.createdAt ?? new Date(this.clock.now()).toISOString() };
    if (input.checkUrl !== undefined) group.checkUrl = input.checkUrl;
    await this.catalog.putProducerGroup(group);
    return group;
  }

  async get(name: string): Promise<ProducerGroup> {
    const group = await this.catalog.getProducerGroup(name);
    if (group === undefined) throw new NotFoundError('PRODUCER_GROUP', name);
    return group;
  }

  /** Prepared messages waiting for this producer's decision; decided ones are cleared from the list as it is read. */
  async pendingChecks(name: string): Promise<Array<Record<string, unknown>>> {
    const messages = await this.store.pullChecks(name);
    const decided = messages.filter((message) => message.state !== 'PREPARED').map((message) => message.messageId);
    if (decided.length > 0) await this.store.removePullChecks(name, decided);
    return messages
      .filter((message) => message.state === 'PREPARED')
      .map((message) => checkPayload(message, message.checkCount ?? 0));
  }

  private checkUrl(raw: string): void {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ValidationError(`checkUrl '${raw}' is not a URL`, 'INVALID_CHECK_URL');
    }
    if (url.protocol === 'https:') return;
    if (url.protocol === 'http:' && this.allowHttpLoopback && LOOPBACK_HOSTS.has(url.hostname)) return;
    throw new ValidationError(
      this.allowHttpLoopback
        ? 'checkUrl must be https://, or http:// on 127.0.0.1 or localhost'
        : 'checkUrl must be https://',
      'INVALID_CHECK_URL',
    );
  }
}
