// Producer groups: where Ferry checks back undecided transactions, the secret those check-backs are signed with, and
// the checks that pulling producers read.
import { ConflictError, NotFoundError, ValidationError } from './errors.ts';
import { refuseEndpoint, type EndpointRules, type Resolve } from './endpoint-rules.ts';
import type { ProducerGroup, SigningSecret } from './model.ts';
import type { CatalogStore, Clock, MessageStore } from './ports.ts';
import { checkPayload } from './check-payload.ts';
import { newSigningSecret } from './signature.ts';

/** What a read answers: never the secrets. */
export type ProducerGroupView = Pick<ProducerGroup, 'name' | 'checkUrl' | 'createdAt'>;

/** The answer that creates a secret shows it, once. */
export type ProducerGroupWithSecret = ProducerGroupView & { signingSecret?: string };

export interface RotatedSecret {
  name: string;
  signingSecret: string;
  /** ISO 8601: until then check-backs carry a signature with the previous secret too; absent when it stopped at once. */
  previousSecretValidUntil?: string;
}

/** Stripe keeps a rolled webhook secret valid for up to 24 hours; so does Ferry, unless told otherwise. */
export const DEFAULT_ROTATION_GRACE_SECONDS = 24 * 60 * 60;

/** Concurrent writes of one producer group are rare; a few rereads settle them. */
const WRITE_ATTEMPTS = 3;

export class Producers {
  constructor(
    private readonly catalog: CatalogStore,
    private readonly store: MessageStore,
    private readonly clock: Clock,
    private readonly endpointRules: EndpointRules,
    private readonly resolve: Resolve,
  ) {}

  /** Creates or replaces the group; its signing secret is created (and shown) once, and kept by later PUTs. */
  async put(name: string, input: { checkUrl?: string }): Promise<ProducerGroupWithSecret> {
    if (input.checkUrl !== undefined) await this.checkUrl(input.checkUrl);
    return this.write(name, (previous) => {
      const created = previous?.signingSecrets?.length ? undefined : newSigningSecret();
      const group: ProducerGroup = {
        name,
        createdAt: previous?.createdAt ?? new Date(this.clock.now()).toISOString(),
        signingSecrets: created === undefined ? previous!.signingSecrets! : [{ secret: created }],
      };
      if (input.checkUrl !== undefined) group.checkUrl = input.checkUrl;
      return { group, answer: { ...view(group), ...(created === undefined ? {} : { signingSecret: created }) } };
    });
  }

  async get(name: string): Promise<ProducerGroupView> {
    const group = await this.catalog.getProducerGroup(name);
    if (group === undefined) throw new NotFoundError('PRODUCER_GROUP', name);
    return view(group);
  }

  /**
   * A new signing secret; the current one keeps signing too for `graceSeconds`, so that a producer can switch to the
   * new one without refusing a check-back meanwhile. Only one previous secret is kept, as in Stripe.
   */
  async rotateSecret(name: string, graceSeconds = DEFAULT_ROTATION_GRACE_SECONDS): Promise<RotatedSecret> {
    return this.write(name, (previous) => {
      if (previous === undefined) throw new NotFoundError('PRODUCER_GROUP', name);
      const now = this.clock.now();
      const secret = newSigningSecret();
      const current = previous.signingSecrets?.find((entry) => entry.validUntil === undefined);
      const kept: SigningSecret[] =
        current === undefined || graceSeconds === 0
          ? []
          : [{ secret: current.secret, validUntil: now + graceSeconds * 1000 }];
      const answer: RotatedSecret = { name, signingSecret: secret };
      if (kept[0] !== undefined) answer.previousSecretValidUntil = new Date(kept[0].validUntil!).toISOString();
      return { group: { ...previous, signingSecrets: [{ secret }, ...kept] }, answer };
    });
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

  /** Reads, changes and writes the group, reading again if another write came in between. */
  private async write<A>(
    name: string,
    change: (previous: ProducerGroup | undefined) => { group: ProducerGroup; answer: A },
  ): Promise<A> {
    for (let attempt = 1; ; attempt++) {
      const previous = await this.catalog.getProducerGroup(name);
      const { group, answer } = change(previous);
      if (await this.catalog.putProducerGroup({ ...group, revision: (previous?.revision ?? 0) + 1 }, previous))
        return answer;
      if (attempt === WRITE_ATTEMPTS)
        throw new ConflictError(`producer group '${name}' is being changed by another request: try again`);
    }
  }

  private async checkUrl(raw: string): Promise<void> {
    const refusal = await refuseEndpoint(raw, this.endpointRules, this.resolve);
    if (refusal !== undefined) throw new ValidationError(`checkUrl: ${refusal.message}`, 'INVALID_CHECK_URL');
  }
}

/** The secrets a check-back is signed with now: the current one, and a rotated-out one until its grace ends. */
export function signingSecretsOf(group: ProducerGroup, now: number): string[] {
  return (group.signingSecrets ?? [])
    .filter((entry) => entry.validUntil === undefined || entry.validUntil > now)
    .map((entry) => entry.secret);
}

function view(group: ProducerGroup): ProducerGroupView {
  return {
    name: group.name,
    ...(group.checkUrl === undefined ? {} : { checkUrl: group.checkUrl }),
    createdAt: group.createdAt,
  };
}
