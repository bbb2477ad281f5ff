// Routes for producers' decisions (commit, roll back, cancel: by id or under the topic), producer groups and their
// signing secrets, checks.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type * as z from '../zod.ts';
import { NotFoundError } from '../../core/errors.ts';
import { isMessageId } from '../../core/ids.ts';
import type { MessageStore } from '../../core/ports.ts';
import type { ApiServices } from '../../core/services.ts';
import {
  Check,
  CheckList,
  DecisionResult,
  MessageParams,
  ProducerGroup,
  ProducerGroupCreated,
  ProducerGroupInput,
  ProducerGroupParams,
  RotatedSecret,
  RotateSecretInput,
  TopicMessageParams,
} from '../schemas.ts';
import { errors, json, ok } from './responses.ts';

const decided = {
  ...ok('The message and its state (the same decision again is a no-op)', DecisionResult),
  ...errors(400, 404, 409),
};

const decisionRoute = <P extends string>(path: P, tag: string) =>
  createRoute({ method: 'post', path, tags: [tag], request: { params: MessageParams }, responses: decided });
const topicDecisionRoute = <P extends string>(path: P, tag: string) =>
  createRoute({ method: 'post', path, tags: [tag], request: { params: TopicMessageParams }, responses: decided });

const commitRoute = decisionRoute('/v1/transactions/{messageId}/commit', 'transactions');
const rollbackRoute = decisionRoute('/v1/transactions/{messageId}/rollback', 'transactions');
const cancelRoute = decisionRoute('/v1/messages/{messageId}/cancel', 'scheduled');
const topicCommitRoute = topicDecisionRoute('/v1/topics/{topic}/messages/{messageId}/commit', 'transactions');
const topicRollbackRoute = topicDecisionRoute('/v1/topics/{topic}/messages/{messageId}/rollback', 'transactions');
const topicCancelRoute = topicDecisionRoute('/v1/topics/{topic}/messages/{messageId}/cancel', 'scheduled');

const putProducerGroupRoute = createRoute({
  method: 'put',
  path: '/v1/producer-groups/{name}',
  tags: ['transactions'],
  request: { params: ProducerGroupParams, body: json(ProducerGroupInput) },
  responses: {
    ...ok(
      'The producer group, and its signing secret when this PUT created it (shown only once)',
      ProducerGroupCreated,
    ),
    ...errors(400, 409),
  },
});

const rotateSecretRoute = createRoute({
  method: 'post',
  path: '/v1/producer-groups/{name}/secret',
  tags: ['transactions'],
  request: {
    params: ProducerGroupParams,
    body: { ...json(RotateSecretInput), required: false },
  },
  responses: {
    ...ok('The new signing secret (shown only once), and until when the previous one still signs', RotatedSecret),
    ...errors(400, 404, 409),
  },
});

const getProducerGroupRoute = createRoute({
  method: 'get',
  path: '/v1/producer-groups/{name}',
  tags: ['transactions'],
  request: { params: ProducerGroupParams },
  responses: { ...ok('The producer group', ProducerGroup), ...errors(400, 404) },
});

const checksRoute = createRoute({
  method: 'get',
  path: '/v1/producer-groups/{name}/checks',
  tags: ['transactions'],
  request: { params: ProducerGroupParams },
  responses: { ...ok('Prepared messages waiting for this producer to decide', CheckList), ...errors(400) },
});

/**
 * A decision under a topic's path acts only on a message of that topic: an IAM grant on one topic's paths must not
 * reach another topic's messages. Any other message is a 404, as if it did not exist. A malformed id is left to the
 * decision, which refuses it with a 400.
 */
async function requireOfTopic(store: MessageStore, topic: string, messageId: string): Promise<void> {
  if (!isMessageId(messageId)) return;
  const found = await store.get(messageId);
  if (found?.message.topic !== topic) throw new NotFoundError('MESSAGE', `${topic}/${messageId}`);
}

export function registerTransactionRoutes(app: OpenAPIHono, { decisions, producers, store }: ApiServices): void {
  app.openapi(commitRoute, async (c) => c.json(await decisions.commit(c.req.valid('param').messageId), 200));
  app.openapi(rollbackRoute, async (c) => c.json(await decisions.rollback(c.req.valid('param').messageId), 200));
  app.openapi(cancelRoute, async (c) => c.json(await decisions.cancel(c.req.valid('param').messageId), 200));
  app.openapi(topicCommitRoute, async (c) => {
    const { topic, messageId } = c.req.valid('param');
    await requireOfTopic(store, topic, messageId);
    return c.json(await decisions.commit(messageId), 200);
  });
  app.openapi(topicRollbackRoute, async (c) => {
    const { topic, messageId } = c.req.valid('param');
    await requireOfTopic(store, topic, messageId);
    return c.json(await decisions.rollback(messageId), 200);
  });
  app.openapi(topicCancelRoute, async (c) => {
    const { topic, messageId } = c.req.valid('param');
    await requireOfTopic(store, topic, messageId);
    return c.json(await decisions.cancel(messageId), 200);
  });

  app.openapi(putProducerGroupRoute, async (c) =>
    c.json(await producers.put(c.req.valid('param').name, c.req.valid('json')), 200),
  );
  app.openapi(rotateSecretRoute, async (c) =>
    c.json(await producers.rotateSecret(c.req.valid('param').name, c.req.valid('json')?.graceSeconds), 200),
  );
  app.openapi(getProducerGroupRoute, async (c) => c.json(await producers.get(c.req.valid('param').name), 200));
  app.openapi(checksRoute, async (c) =>
    // The store's check items are loosely typed; their fields are the Check schema's.
    c.json({ checks: (await producers.pendingChecks(c.req.valid('param').name)) as Array<z.infer<typeof Check>> }, 200),
  );
}
