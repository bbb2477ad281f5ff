// The client's view of the HTTP contract: every request and answer type is inferred from the API's zod schemas.
import type { z } from 'zod';
import type * as schemas from '../lambda/api/schemas.ts';

/** What a caller sends: the schema's input type. */
export type In<S extends z.ZodType> = z.input<S>;
/** What Ferry answers: the schema's output type. */
export type Out<S extends z.ZodType> = z.output<S>;

export type TopicType = In<typeof schemas.TopicInput>['messageType'];
export type TopicInput = In<typeof schemas.TopicInput>;
export type Topic = Out<typeof schemas.Topic>;
export type GroupInput = In<typeof schemas.GroupInput>;
export type Subscription = GroupInput['subscriptions'][number];
export type Group = Out<typeof schemas.Group>;
export type PublishRequest = In<typeof schemas.PublishInput>;
export type PublishResult = Out<typeof schemas.PublishResult>;
export type PublishBatchResult = Out<typeof schemas.PublishBatchResult>;
export type ReceiveOptions = In<typeof schemas.ReceiveInput>;
export type ReceivedMessage = Out<typeof schemas.ReceivedMessage>;
export type DeliveredMessage = Out<typeof schemas.DeliveredMessage>;
/** A message as a group's SQS queue (and its dead-letter queue) holds it: a large body only as its `bodyRef`. */
export type QueuedMessage = Out<typeof schemas.QueuedMessage>;
export type AckResult = Out<typeof schemas.AckResult>;
export type NackResult = Out<typeof schemas.NackResult>;
export type MessageView = Out<typeof schemas.MessageView>;
export type DecisionResult = Out<typeof schemas.DecisionResult>;
export type ProducerGroupInput = In<typeof schemas.ProducerGroupInput>;
export type ProducerGroup = Out<typeof schemas.ProducerGroup>;
/** What the PUT of a producer group answers: with `signingSecret` when it created the group (shown once). */
export type ProducerGroupCreated = Out<typeof schemas.ProducerGroupCreated>;
export type RotateSecretInput = In<typeof schemas.RotateSecretInput>;
export type RotatedSecret = Out<typeof schemas.RotatedSecret>;
export type Check = Out<typeof schemas.Check>;
export type Health = Out<typeof schemas.Health>;
export type ErrorBody = Out<typeof schemas.ErrorBody>;
/** A page of a listing: the query string's `limit` and the previous page's `next` as `cursor`. */
export type PageQuery = { limit?: number; cursor?: string };
/** `key`, or `from` and `to` (ISO 8601 or epoch ms), as the query string of `GET /v1/topics/{topic}/messages`. */
export type MessageQuery = PageQuery & { key?: string; from?: string | number; to?: string | number };
export type MessageList = Out<typeof schemas.MessageList>;
export type ListedMessage = Out<typeof schemas.ListedMessage>;
export type RescheduleResult = Out<typeof schemas.RescheduleResult>;
export type ByKeyResult = Out<typeof schemas.ByKeyResult>;
export type ReplayRequest = In<typeof schemas.ReplayInput>;
export type Replay = Out<typeof schemas.Replay>;
