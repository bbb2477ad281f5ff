// The HTTP contract, once: these schemas validate requests, generate the OpenAPI document and type the client.
import * as z from './zod.ts';
import { TOPIC_TYPES } from '../core/model.ts';
import { MESSAGE_GROUP_PATTERN, MESSAGE_GROUP_RULE, NAME_PATTERN } from '../core/names.ts';
import { MAX_VISIBILITY_SECONDS } from '../core/retry-policy.ts';
import { MAX_PUSH_TIMEOUT_SECONDS } from '../core/push.ts';

/** Limits count UTF-8 bytes, as storage and queues do, not UTF-16 units as string length does. */
const utf8 = (maxBytes: number, what: string) =>
  z
    .string()
    .min(1)
    .refine((value) => Buffer.byteLength(value, 'utf8') <= maxBytes, `${what} is at most ${maxBytes} bytes in UTF-8`);

const name = (what: string) => z.string().regex(NAME_PATTERN, `a ${what} name is 1 to 64 of A-Z a-z 0-9 _ -`);
const pathName = (what: string, param: string, example: string) =>
  name(what).openapi({ param: { name: param, in: 'path' }, example });
const messageId = z
  .string()
  .min(1)
  .max(64)
  .openapi({ param: { name: 'messageId', in: 'path' } });

export const TopicParams = z.object({ topic: pathName('topic', 'topic', 'orders') });
export const GroupParams = z.object({ group: pathName('group', 'group', 'billing') });
export const MessageParams = z.object({ messageId });
/** A message named under its topic, so that an IAM grant on the topic's paths covers the decision. */
export const TopicMessageParams = z.object({ topic: pathName('topic', 'topic', 'orders'), messageId });

export const TopicInput = z
  .object({
    messageType: z.enum(TOPIC_TYPES),
    retentionHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 365)
      .optional()
      .openapi({ description: 'How long messages and trace are kept; default 72.' }),
  })
  .strict()
  .openapi('TopicInput');

export const Topic = z
  .object({ name: z.string(), messageType: z.enum(TOPIC_TYPES), retentionHours: z.number(), createdAt: z.string() })
  .openapi('Topic');

export const TopicList = z.object({ topics: z.array(Topic) });

export const Filter = z
  .object({
    type: z.enum(['TAG', 'SQL92']),
    // A blank expression is refused, not read as "every message": a template that filled in nothing would subscribe
    // the group to all of the topic's traffic.
    expression: z
      .string()
      .max(4096)
      .refine(
        (expression) => expression.trim() !== '',
        'a filter expression is not blank: name the tags (or * for every message), or write a SQL92 condition',
      ),
  })
  .strict()
  .openapi('Filter');

export const PushInput = z
  .object({
    url: z.string().min(1).max(2048).openapi({
      description: 'https:// endpoint each message is POSTed to (the local stack also takes http:// on loopback).',
    }),
    maxConcurrency: z
      .number()
      .int()
      // An SQS event source mapping runs at least 2 pushers (Lambda's MaximumConcurrency floor): 1 could not be kept.
      .min(2, 'push.maxConcurrency is at least 2 (Lambda runs at least 2 pushers of an SQS event source mapping)')
      .max(1000)
      .optional()
      .openapi({ description: 'Requests in flight to the endpoint at most, 2 to 1000; default 5.' }),
    ratePerSecond: z
      .number()
      .min(0.1)
      .max(10000)
      .optional()
      .openapi({ description: 'Requests per second at most; default: no limit but maxConcurrency.' }),
    timeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(MAX_PUSH_TIMEOUT_SECONDS)
      .optional()
      .openapi({ description: 'How long the endpoint may take to answer; default 10.' }),
  })
  .strict()
  .openapi('PushInput');

export const GroupInput = z
  .object({
    subscriptions: z
      .array(z.object({ topic: name('topic'), filter: Filter.optional() }).strict())
      .min(1)
      .max(32),
    maxDeliveryAttempts: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .optional()
      .openapi({ description: 'Deliveries before a message goes to the dead-letter queue; default 16.' }),
    push: PushInput.optional().openapi({
      description: 'Set: Ferry POSTs each message to this endpoint instead of consumers pulling; absent: pull.',
    }),
  })
  .strict()
  .openapi('GroupInput');

export const Group = z
  .object({
    name: z.string(),
    subscriptions: z.array(z.object({ topic: z.string(), filter: Filter.optional() })),
    maxDeliveryAttempts: z.number(),
    fifo: z.boolean(),
    queueUrl: z.string(),
    deadLetterQueueUrl: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    push: z
      .object({
        url: z.string(),
        maxConcurrency: z.number(),
        ratePerSecond: z.number().optional(),
        timeoutSeconds: z.number(),
      })
      .optional(),
    signingSecret: z.string().optional().openapi({
      description: 'The key of the Ferry-Signature on push requests: in the answer that set push first, never again.',
    }),
    backlog: z.object({ visible: z.number(), inFlight: z.number(), delayed: z.number(), deadLetters: z.number() }),
  })
  .openapi('Group');

export const GroupList = z.object({ groups: z.array(Group) });

/** Property names must be SQL92 identifiers so that filters can name them. */
const propertyName = z
  .string()
  .regex(
    /^[A-Za-z_$][A-Za-z0-9_$.]{0,127}$/,
    'a property name is an identifier: a letter, _ or $, then letters, digits, _ $ .',
  );

/** What a time field takes, said where zod's union would say only "Invalid input". */
const TIME_RULE = 'a time: ISO 8601 (2026-11-25T10:00:00Z) or epoch ms';

export const PublishInput = z
  .object({
    body: z.string(),
    bodyBase64: z.boolean().optional(),
    tag: utf8(128, 'a tag')
      .refine((tag) => !tag.includes('|'), 'a tag cannot contain |')
      // A tag filter trims the tags it names, so a tag with spaces around it could never be selected by one.
      .refine((tag) => tag.trim() === tag && tag !== '', 'a tag neither starts nor ends with blank space')
      .optional(),
    keys: z.array(utf8(128, 'a key')).max(32).optional(),
    properties: z
      .record(
        propertyName,
        z
          .string()
          .refine(
            (value) => Buffer.byteLength(value, 'utf8') <= 1024,
            'a property value is at most 1024 bytes in UTF-8',
          ),
      )
      .refine((properties) => Object.keys(properties).length <= 64, 'at most 64 properties')
      .optional(),
    messageGroup: z.string().regex(MESSAGE_GROUP_PATTERN, MESSAGE_GROUP_RULE).optional(),
    deliverAt: z.union([z.string().min(1), z.number().int().nonnegative()], { error: TIME_RULE }).optional(),
    delaySeconds: z.number().int().nonnegative().optional(),
    producerGroup: name('producer group').optional(),
    dedupKey: utf8(128, 'a dedupKey').optional().openapi({
      description:
        "Duplicate detection: within the topic's retention, a publish with a key already used answers the first message (200, duplicate: true) and stores nothing.",
    }),
  })
  .strict()
  .openapi('PublishInput');

export const PublishBatchInput = z
  .object({
    messages: z
      .array(z.unknown())
      .min(1)
      .max(100)
      .openapi({ description: 'Each item is a PublishInput, checked on its own.' }),
  })
  .strict()
  .openapi('PublishBatchInput');

export const PublishResult = z
  .object({
    messageId: z.string(),
    state: z.enum(['READY', 'SCHEDULED', 'PREPARED']),
    duplicate: z.literal(true).optional(),
  })
  .openapi('PublishResult');

export const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) }).openapi('Error');

export const PublishBatchResult = z.object({ results: z.array(z.union([PublishResult, ErrorBody])) });

export const DeliveredMessage = z
  .object({
    messageId: z.string(),
    topic: z.string(),
    body: z.string(),
    bodyBase64: z.boolean().optional(),
    tag: z.string().optional(),
    keys: z.array(z.string()),
    properties: z.record(z.string(), z.string()),
    messageGroup: z.string().optional(),
    bornAt: z.string(),
  })
  .openapi('DeliveredMessage');

export const ReceivedMessage = DeliveredMessage.extend({
  deliveryAttempt: z.number(),
  receiptHandle: z.string(),
}).openapi('ReceivedMessage');

const seconds = (max: number) => z.number().int().min(0).max(max);

export const ReceiveInput = z
  .object({
    maxMessages: z.number().int().min(1).max(32).optional(),
    waitSeconds: seconds(20).optional(),
    invisibleSeconds: seconds(MAX_VISIBILITY_SECONDS).optional(),
  })
  .strict()
  .openapi('ReceiveInput');

export const ReceiveResult = z.object({ messages: z.array(ReceivedMessage) });

export const AckInput = z
  .object({ receiptHandles: z.array(z.string().min(1)).min(1).max(100) })
  .strict()
  .openapi('AckInput');

export const AckResult = z.object({
  acked: z.number(),
  failed: z.array(z.object({ receiptHandle: z.string(), error: ErrorBody.shape.error })),
});

export const NackInput = z
  .object({ receiptHandle: z.string().min(1), retryAfterSeconds: seconds(MAX_VISIBILITY_SECONDS).optional() })
  .strict()
  .openapi('NackInput');

export const NackResult = z.object({
  retryAfterSeconds: z.number(),
  deadLettered: z
    .literal(true)
    .optional()
    .openapi({ description: 'the last attempt: no retry; the message goes to the dead-letter queue at once' }),
});

export const VisibilityInput = z
  .object({ receiptHandle: z.string().min(1), invisibleSeconds: seconds(MAX_VISIBILITY_SECONDS) })
  .strict()
  .openapi('VisibilityInput');

export const BodyRef = z.object({ bucket: z.string(), key: z.string(), bytes: z.number() }).openapi('BodyRef', {
  description:
    "Where a body too large for the message's item is kept: S3 GetObject of this bucket and key answers it (UTF-8 text, bytes long).",
});

/** A message as the group's SQS queue holds it: a large body only as its reference. */
export const QueuedMessage = DeliveredMessage.extend({
  body: z.string().optional(),
  bodyRef: BodyRef.optional(),
}).openapi('QueuedMessage');

export const DeadLetterList = z.object({ messages: z.array(QueuedMessage) });
export const RedriveResult = z.object({ redriven: z.number() });

export const TraceEvent = z
  .object({
    type: z.string(),
    at: z.string(),
    groups: z.array(z.string()).optional(),
    detail: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  })
  .openapi('TraceEvent');

export const MessageView = z
  .object({ message: DeliveredMessage, state: z.string(), events: z.array(TraceEvent) })
  .openapi('MessageView');

export const ProducerGroupParams = z.object({ name: pathName('producer group', 'name', 'checkout') });

export const ProducerGroupInput = z
  .object({
    checkUrl: z.string().min(1).max(2048).optional().openapi({
      description:
        'https:// endpoint Ferry POSTs signed check-backs to, on a public address in AWS; absent: the producer pulls its checks.',
    }),
  })
  .strict()
  .openapi('ProducerGroupInput');

export const ProducerGroup = z
  .object({ name: z.string(), checkUrl: z.string().optional(), createdAt: z.string() })
  .openapi('ProducerGroup');

export const ProducerGroupCreated = ProducerGroup.extend({
  signingSecret: z
    .string()
    .optional()
    .openapi({
      description:
        'The secret check-backs are signed with (Ferry-Signature header), answered once: by the PUT that creates the ' +
        'group (or gives one created before secrets existed its first). Keep it; GET never shows it.',
    }),
}).openapi('ProducerGroupCreated');

export const RotateSecretInput = z
  .object({
    graceSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 60 * 60)
      .optional()
      .openapi({
        description:
          'How long the previous secret keeps signing too (check-backs carry both signatures meanwhile); 86400 (24 h) by default, 0 ends it at once.',
      }),
  })
  .strict()
  .openapi('RotateSecretInput');

export const RotatedSecret = z
  .object({
    name: z.string(),
    signingSecret: z.string(),
    previousSecretValidUntil: z.string().optional(),
  })
  .openapi('RotatedSecret');

export const Check = z
  .object({
    messageId: z.string(),
    topic: z.string(),
    producerGroup: z.string().optional(),
    tag: z.string().optional(),
    keys: z.array(z.string()),
    properties: z.record(z.string(), z.string()),
    checkCount: z.number(),
  })
  .openapi('Check');

export const CheckList = z.object({ checks: z.array(Check) });

export const DecisionResult = z.object({ messageId: z.string(), state: z.string() }).openapi('DecisionResult');

export const Health = z
  .object({ status: z.enum(['ok', 'unavailable']), checks: z.record(z.string(), z.string()) })
  .openapi('Health');

// Query, scheduled work and replay -----------------------------------------------------------------------------------

const instant = (description: string) =>
  z
    .union([z.string().min(1).max(40), z.number().int().nonnegative()], {
      error: (issue) => (issue.input === undefined ? 'required: a time, ISO 8601 or epoch ms' : TIME_RULE),
    })
    .openapi({ description });
// Digits only: a number in another notation (`1e2`, `0x10`, ` 5`) is refused, not read as what it might mean.
const pageLimit = z
  .string()
  .regex(/^(100|[1-9][0-9]?)$/, 'a whole number from 1 to 100, in digits')
  .transform(Number)
  .optional()
  .openapi({
    description: 'At most this many messages (1-100, default 20).',
    type: 'integer',
    minimum: 1,
    maximum: 100,
  });
const cursor = z.string().min(1).max(200).optional().openapi({ description: "The previous page's `next`, unchanged." });

export const PageQuery = z.object({ limit: pageLimit, cursor });

export const MessageQuery = z.object({
  key: utf8(128, 'a key').optional().openapi({ description: 'Messages with this key, newest first.' }),
  from: z.string().min(1).max(40).optional().openapi({ description: 'Published at or after (ISO 8601 or epoch ms).' }),
  to: z.string().min(1).max(40).optional().openapi({ description: 'Published at or before (ISO 8601 or epoch ms).' }),
  limit: pageLimit,
  cursor,
});

export const ListedMessage = QueuedMessage.extend({
  state: z.string(),
  deliverAt: z.string().optional(),
  producerGroup: z.string().optional(),
  checkCount: z.number().optional(),
}).openapi('ListedMessage');

export const MessageList = z
  .object({
    messages: z.array(ListedMessage),
    next: z.string().optional().openapi({ description: 'Pass it as `cursor` for the next page; absent on the last.' }),
  })
  .openapi('MessageList');

export const KeyQuery = z.object({ key: utf8(128, 'a key').openapi({ description: 'The key the messages carry.' }) });

export const RescheduleInput = z
  .object({
    deliverAt: instant('The new delivery time: ISO 8601 or epoch ms; a time in the past means now.').optional(),
    delaySeconds: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .openapi({ description: 'Or the new delivery time in seconds from now, as at publish. Give one of the two.' }),
  })
  .strict()
  .openapi('RescheduleInput');

export const RescheduleResult = z
  .object({ messageId: z.string(), state: z.string(), deliverAt: z.string() })
  .openapi('RescheduleResult');

export const ByKeyResult = z
  .object({
    results: z.array(
      z.object({
        messageId: z.string(),
        state: z.string(),
        deliverAt: z
          .string()
          .optional()
          .openapi({ description: 'The new delivery time, for each message rescheduled.' }),
        error: ErrorBody.shape.error.optional(),
      }),
    ),
  })
  .openapi('ByKeyResult');

export const ReplayInput = z
  .object({
    topic: name('topic'),
    from: instant('Messages published at or after (ISO 8601 or epoch ms).'),
    to: instant('...and at or before; a time to come means now.'),
  })
  .strict()
  .openapi('ReplayInput');

export const ReplayParams = z.object({
  group: pathName('group', 'group', 'billing'),
  replayId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'replayId', in: 'path' } }),
});

export const Replay = z
  .object({
    replayId: z.string(),
    group: z.string(),
    topic: z.string(),
    from: z.string(),
    to: z.string(),
    state: z.enum(['RUNNING', 'DONE', 'FAILED']),
    sent: z.number(),
    skipped: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
    finishedAt: z.string().optional(),
    reason: z.string().optional(),
  })
  .openapi('Replay');
