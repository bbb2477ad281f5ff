// Routes that steer scheduled messages: reschedule by id (alone or under the topic), cancel or reschedule by key.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiServices } from '../../core/services.ts';
import {
  ByKeyResult,
  KeyQuery,
  MessageParams,
  RescheduleInput,
  RescheduleResult,
  TopicMessageParams,
  TopicParams,
} from '../schemas.ts';
import { errors, json, ok } from './responses.ts';

const rescheduled = {
  ...ok('The message with its new delivery time', RescheduleResult),
  ...errors(400, 404, 409),
};

const rescheduleRoute = createRoute({
  method: 'post',
  path: '/v1/messages/{messageId}/reschedule',
  tags: ['scheduled'],
  request: { params: MessageParams, body: json(RescheduleInput) },
  responses: rescheduled,
});

const topicRescheduleRoute = createRoute({
  method: 'post',
  path: '/v1/topics/{topic}/messages/{messageId}/reschedule',
  tags: ['scheduled'],
  request: { params: TopicMessageParams, body: json(RescheduleInput) },
  responses: rescheduled,
});

const byKey = {
  ...ok('What became of each message of the topic with the key (a 409 in place for each that could not)', ByKeyResult),
  ...errors(400, 404),
};

const cancelByKeyRoute = createRoute({
  method: 'post',
  path: '/v1/topics/{topic}/messages/cancel',
  tags: ['scheduled'],
  request: { params: TopicParams, query: KeyQuery },
  responses: byKey,
});

const rescheduleByKeyRoute = createRoute({
  method: 'post',
  path: '/v1/topics/{topic}/messages/reschedule',
  tags: ['scheduled'],
  request: { params: TopicParams, query: KeyQuery, body: json(RescheduleInput) },
  responses: byKey,
});

export function registerSchedulingRoutes(app: OpenAPIHono, { scheduling }: ApiServices): void {
  app.openapi(rescheduleRoute, async (c) =>
    c.json(await scheduling.reschedule(c.req.valid('param').messageId, c.req.valid('json')), 200),
  );
  app.openapi(topicRescheduleRoute, async (c) => {
    const { topic, messageId } = c.req.valid('param');
    return c.json(await scheduling.reschedule(messageId, c.req.valid('json'), topic), 200);
  });
  app.openapi(cancelByKeyRoute, async (c) =>
    c.json(await scheduling.cancelByKey(c.req.valid('param').topic, c.req.valid('query').key), 200),
  );
  app.openapi(rescheduleByKeyRoute, async (c) =>
    c.json(
      await scheduling.rescheduleByKey(c.req.valid('param').topic, c.req.valid('query').key, c.req.valid('json')),
      200,
    ),
  );
}
