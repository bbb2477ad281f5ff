// The Ferry construct: the table, the API, dispatch, stream redrive, the tick and alarms, for any stack; see lib/parts/.
import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type { Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { HttpApi, ThrottleSettings } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Table, WarmThroughput } from 'aws-cdk-lib/aws-dynamodb';
import type { Rule } from 'aws-cdk-lib/aws-events';
import { Grant, type IGrantable, type Role } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Schedule } from 'aws-cdk-lib/aws-scheduler';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  ADMIN_ROUTES,
  consumeRoutes,
  publishRoutes,
  READ_ROUTES,
  routeArn,
  type ApiAddress,
  type Route,
} from './access.ts';
import { acknowledgeNagFindings } from './nag-suppressions.ts';
import { readConfig, TUNABLE_SETTINGS } from '../lambda/core/config.ts';
import { createAlarms, type FerryAlarms } from './parts/alarms.ts';
import { createApi, type FrontDoorKind } from './parts/api.ts';
import { createBodyBucket, grantBodyRead } from './parts/bodies.ts';
import { createDispatch } from './parts/dispatch.ts';
import { createMonitoring, metricsServiceName, type GroupAlarms } from './parts/monitoring.ts';
import { createPusher, grantPushMappings } from './parts/push.ts';
import type { SharedFunctionProps } from './parts/function.ts';
import { claimQueuePrefix, DEFAULT_QUEUE_PREFIX, queueArnPattern, validQueuePrefix } from './parts/queues.ts';
import { createStreamRedrive } from './parts/stream-redrive.ts';
import { createTable, type TableCapacity } from './parts/table.ts';
import { createTick, type TickTrigger } from './parts/tick.ts';

export type { CapacityRange, TableCapacity } from './parts/table.ts';

/** Options of the {@link Ferry} construct. Every option has a default that is safe for production. */
export interface FerryProps {
  /**
   * Prefix of every consumer-group queue that Ferry creates at run time; IAM grants SQS access by this prefix only.
   * 1 to 8 letters or digits and a final `-`: with no other `-`, one prefix never starts another's queue names. Each
   * Ferry in one account and region needs its own: the construct claims it with a CloudFormation export
   * (`ferry-queue-prefix-<prefix>`), so a second stack with the same prefix fails to deploy.
   * @default 'ferry-'
   */
  readonly queuePrefix?: string;
  /**
   * What happens to the table and the log groups when they leave the stack. Unless it is `DESTROY`, the table also
   * has deletion protection on, so that messages and their trace survive a mistaken `cdk destroy`.
   * `DESTROY` suits short-lived test stacks only.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * How long the functions' logs and the API's access logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Throttling of the API's default stage, so that a runaway client cannot run up the bill without bound.
   * @default { rateLimit: 1000, burstLimit: 2000 } (requests per second)
   */
  readonly throttle?: ThrottleSettings;
  /**
   * How often the dispatcher retries a failing stream batch before it records the batch in the stream failure queue
   * and moves on. Bounded, so that one poison record cannot hold its shard (and every FIFO group behind it) for the
   * stream's 24 h retention. Lambda's limit is 10000.
   * @default 10
   */
  readonly streamRetryAttempts?: number;
  /**
   * Extra runtime settings for every Ferry function: the `FERRY_*` variables read by `lambda/core/config.ts`
   * (timer lead, bucket width, body size limit, ...). The variables the construct sets itself cannot be overridden.
   * @default - none; the runtime's defaults apply
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Throughput the table and each of its indexes serve from the first second. A new on-demand table starts at 4,000
   * write units per second and grows with use; a hand-on by the tick writes the message and two index entries, so a
   * timeout center that expects 100,000 messages due in one minute from day one should pre-warm, e.g.
   * `{ writeUnitsPerSecond: 10000 }`.
   * @default - DynamoDB's on-demand defaults
   */
  readonly warmThroughput?: WarmThroughput;
  /**
   * How the table pays for throughput: on demand, or provisioned with auto scaling between a least and a most, for
   * steady traffic (a write then costs about 40% of on demand's at 70% utilisation; `docs/benchmarks.md`). A spike
   * beyond the provisioned units is throttled until auto scaling catches up, in minutes: publishes answer 503 and are
   * retried by the producer, and the dispatcher and the tick retry, so nothing is lost, but delivery waits. DynamoDB
   * lets a table switch mode once in 24 hours.
   * @default { mode: 'onDemand' }
   */
  readonly capacity?: TableCapacity;
  /**
   * The API's front door: `http`, an API Gateway HTTP API; or `rest`, a REST API (IAM authorisation on every method,
   * a proxy to the same function) for where HTTP APIs are missing, such as LocalStack's free plan. Both take the same
   * requests and the same grants; a REST API's URL ends with its stage, `/prod/`.
   * @default 'http'
   */
  readonly api?: FrontDoorKind;
  /**
   * What runs the tick every minute: `scheduler`, an EventBridge Scheduler schedule, whose state the API's health
   * reports; or `rule`, an EventBridge rule on `rate(1 minute)`, for where Scheduler does not run schedules, such as
   * LocalStack (health then has no schedule to report).
   * @default 'scheduler'
   */
  readonly tick?: TickTrigger;
  /**
   * The age of a queue's oldest message that raises `alarms.oldestMessageAge` (SQS's ApproximateAgeOfOldestMessage).
   * @default Duration.hours(1)
   */
  readonly oldestMessageAgeAlarm?: Duration;
}

const DEFAULT_THROTTLE: ThrottleSettings = { rateLimit: 1000, burstLimit: 2000 };
const DEFAULT_STREAM_RETRY_ATTEMPTS = 10;

/**
 * Variables the construct owns; a user's `environment` must not silently point a function at another table or prefix,
 * nor let check-backs reach private addresses.
 */
const RESERVED_ENVIRONMENT = [
  'FERRY_TABLE_NAME',
  'FERRY_QUEUE_PREFIX',
  'FERRY_STACK_NAME',
  'FERRY_ENDPOINT_POLICY',
  'FERRY_BODY_BUCKET',
  'POWERTOOLS_SERVICE_NAME',
  'NODE_OPTIONS',
];

/**
 * Ferry: RocketMQ-style business messaging on serverless AWS. One DynamoDB table (the commit point; its stream is the
 * outbox), a Lambda behind an IAM-authorised HTTP API (or REST API), and a dispatcher Lambda on the table's stream that hands each
 * message that became READY to the SQS queues of the consumer groups it matches. The queues themselves are created at
 * run time, one pair per consumer group, named by {@link Ferry.queuePrefix}.
 *
 * Each concern is built by one module of `lib/parts/`, in this construct's own scope, so that every resource keeps
 * the logical id it had when this was one file (a new id would replace the table, or the API and its URL).
 */
export class Ferry extends Construct {
  /** The one table: messages, their trace, the catalog of topics and groups, timer buckets. */
  readonly table: Table;
  /**
   * Message bodies too large for a table item (up to 4 MiB), under `bodies/keep-<days>d/<messageId>`; a lifecycle rule
   * per prefix expires them. The queue message of such a body carries `bodyRef: { bucket, key, bytes }` instead.
   */
  readonly bodyBucket: Bucket;
  /** The HTTP API, when `api` is `http`; every route requires SigV4-signed requests (IAM authorisation). */
  readonly httpApi?: HttpApi;
  /** The REST API, when `api` is `rest`; every method requires SigV4-signed requests (IAM authorisation). */
  readonly restApi?: RestApi;
  /** The function behind every API route. */
  readonly apiFunction: LambdaFunction;
  /** The function on the table's stream that dispatches messages to their groups' queues. */
  readonly dispatcherFunction: LambdaFunction;
  /** The tick: hands scheduled messages on at their lead and checks back undecided transactions. */
  readonly tickFunction: LambdaFunction;
  /** Wakes one shard of the timer wheel; the tick invokes it once per shard, so that a busy bucket is handed on by several CPUs. */
  readonly tickShardFunction: LambdaFunction;
  /** Runs the tick every minute, when `tick` is `scheduler`; health reports its state, because without it delayed messages stop. */
  readonly tickSchedule?: Schedule;
  /** The role EventBridge Scheduler assumes to invoke the tick, when `tick` is `scheduler`. */
  readonly tickScheduleRole?: Role;
  /** Runs the tick every minute, when `tick` is `rule`. */
  readonly tickRule?: Rule;
  /** Receives a record of every stream batch the dispatcher gave up on after its retries. */
  readonly streamFailureQueue: Queue;
  /** Reads each given-up batch back from the stream (which keeps it 24 h) and dispatches it again. */
  readonly streamRedriveFunction: LambdaFunction;
  /**
   * Alarms: a stream batch given up on by the dispatcher (the redrive function dispatches it again), a given-up batch
   * the redrive could not dispatch either (its READY messages wait on an operator, and the stream keeps its records
   * 24 h), and ticks failing (scheduled messages and check-backs stop). Attach your notification, e.g.
   * `alarm.addAlarmAction(new SnsAction(topic))`.
   */
  readonly alarms: FerryAlarms & GroupAlarms;
  /** Ferry's metrics per topic and group (published … acked, dead letters, latency, lateness, transactions). */
  readonly dashboard: Dashboard;
  /**
   * POSTs push groups' messages to their endpoints; the API gives it one SQS event source mapping per push group
   * (made, changed and removed as groups switch between pull and push).
   */
  readonly pusherFunction: LambdaFunction;
  /** Prefix of every queue Ferry creates at run time. */
  readonly queuePrefix: string;
  /** The API's base URL (with the stage for a REST API), ending with `/`. */
  readonly url: string;
  /** Where the API's requests go: its id and stage, which every execute-api ARN names. */
  readonly apiAddress: ApiAddress;

  constructor(scope: Construct, id: string, props: FerryProps = {}) {
    super(scope, id);
    this.queuePrefix = validQueuePrefix(props.queuePrefix ?? DEFAULT_QUEUE_PREFIX);
    claimQueuePrefix(this, this.queuePrefix);
    validEnvironment(props.environment ?? {});
    validOperations(props);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.table = createTable(this, { removalPolicy, warmThroughput: props.warmThroughput, capacity: props.capacity });
    this.bodyBucket = createBodyBucket(this, removalPolicy);
    const functions = this.sharedFunctionProps(props, removalPolicy);
    const queues = this.queueArnPattern();

    const dispatch = createDispatch(this, {
      table: this.table,
      functions,
      queueArnPattern: queues,
      streamRetryAttempts: props.streamRetryAttempts ?? DEFAULT_STREAM_RETRY_ATTEMPTS,
    });
    this.dispatcherFunction = dispatch.dispatcherFunction;
    this.streamFailureQueue = dispatch.streamFailureQueue;
    this.streamRedriveFunction = createStreamRedrive(this, {
      table: this.table,
      functions,
      queueArnPattern: queues,
      streamFailureQueue: this.streamFailureQueue,
    });

    const tick = createTick(this, {
      trigger: props.tick ?? 'scheduler',
      table: this.table,
      functions,
      queueArnPattern: queues,
    });
    this.tickFunction = tick.tickFunction;
    this.tickShardFunction = tick.tickShardFunction;
    this.tickSchedule = tick.schedule;
    this.tickScheduleRole = tick.scheduleRole;
    this.tickRule = tick.rule;

    const api = createApi(this, {
      kind: props.api ?? 'http',
      table: this.table,
      bodyBucket: this.bodyBucket,
      functions,
      queueArnPattern: queues,
      throttle: props.throttle ?? DEFAULT_THROTTLE,
      tickSchedule: tick.schedule,
    });
    this.apiFunction = api.apiFunction;
    this.pusherFunction = createPusher(this, { table: this.table, functions, queueArnPattern: queues });
    // A large message is pushed whole: the pusher reads its body as receive does.
    grantBodyRead(this.bodyBucket, this.pusherFunction);
    this.pusherFunction.addEnvironment('FERRY_BODY_BUCKET', this.bodyBucket.bucketName);
    const pushMappingsPolicy = grantPushMappings(this, this.apiFunction, this.pusherFunction);
    this.httpApi = api.httpApi;
    this.restApi = api.restApi;
    this.url = api.url;
    this.apiAddress = api.address;

    const serviceName = metricsServiceName(this.queuePrefix);
    const monitoring = createMonitoring(this, {
      queuePrefix: this.queuePrefix,
      serviceName,
      oldestMessageAgeAlarm: props.oldestMessageAgeAlarm ?? Duration.hours(1),
    });
    this.dashboard = monitoring.dashboard;
    const alarms = createAlarms(this, {
      streamFailureQueue: this.streamFailureQueue,
      streamRedriveFunction: this.streamRedriveFunction,
      tickFunction: this.tickFunction,
      serviceName,
      faultLogGroups: [
        this.apiFunction,
        this.dispatcherFunction,
        this.streamRedriveFunction,
        this.tickFunction,
        this.tickShardFunction,
      ].map((fn) => fn.logGroup),
    });
    this.alarms = { ...alarms, ...monitoring.alarms };
    // Here rather than in FerryStack, so that a user's own stack running cdk-nag inherits the reviewed findings.
    acknowledgeNagFindings({
      scope: this,
      queueArnPattern: queues,
      apiFunction: this.apiFunction,
      dispatcherFunction: this.dispatcherFunction,
      streamRedriveFunction: this.streamRedriveFunction,
      tickFunction: this.tickFunction,
      tickShardFunction: this.tickShardFunction,
      pusherFunction: this.pusherFunction,
      pushMappingsPolicy,
      tickScheduleRole: this.tickScheduleRole,
      streamFailureQueue: this.streamFailureQueue,
      restApi: this.restApi,
      bodyBucket: this.bodyBucket,
    });
  }

  /**
   * Lets the grantee publish to these topics and nothing else: `POST /v1/topics/{topic}/messages` and `.../batch`,
   * and commit, rollback and cancel of the topic's messages (`POST /v1/topics/{topic}/messages/{messageId}/commit`).
   */
  grantPublish(grantee: IGrantable, ...topics: string[]): Grant {
    return this.grantRoutes(grantee, publishRoutes(topics));
  }

  /** Lets the grantee consume from these groups: receive, ack, nack, visibility, and their dead letters (read, redrive). */
  grantConsume(grantee: IGrantable, ...groups: string[]): Grant {
    return this.grantRoutes(grantee, consumeRoutes(groups));
  }

  /** Lets the grantee look: health, OpenAPI, messages and their trace, queries, the catalog, dead letters, producer groups' pending checks, and try a filter (the dashboard's playground). */
  grantRead(grantee: IGrantable): Grant {
    return this.grantRoutes(grantee, READ_ROUTES);
  }

  /** Lets the grantee do anything: create and delete topics, groups and producer groups, and every other route. */
  grantAdmin(grantee: IGrantable): Grant {
    return this.grantRoutes(grantee, ADMIN_ROUTES);
  }

  /**
   * Lets the grantee read large bodies from the body bucket (s3:GetObject under `bodies/`): for a consumer that reads
   * its group's SQS queue directly, where a large body is only its `bodyRef`. Consumers over the API need no grant.
   */
  grantReadBodies(grantee: IGrantable): Grant {
    return grantBodyRead(this.bodyBucket, grantee);
  }

  /** `execute-api:Invoke` on exactly these routes of this API's stage. */
  private grantRoutes(grantee: IGrantable, routes: readonly Route[]): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: routes.map((route) => routeArn(this, this.apiAddress, route)),
    });
  }

  /** `arn:<partition>:sqs:<region>:<account>:<queuePrefix>*`. */
  queueArnPattern(): string {
    return queueArnPattern(this, this.queuePrefix);
  }

  private sharedFunctionProps(props: FerryProps, removalPolicy: RemovalPolicy): SharedFunctionProps {
    return {
      logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy,
      environment: {
        ...props.environment,
        FERRY_TABLE_NAME: this.table.tableName,
        FERRY_QUEUE_PREFIX: this.queuePrefix,
        // The `ferry:stack` tag of every queue this Ferry creates, and which queues it may adopt.
        FERRY_STACK_NAME: Stack.of(this).stackName,
        // Check-backs (and pushes) go to https on public addresses only: never into the account's network.
        FERRY_ENDPOINT_POLICY: 'public',
        POWERTOOLS_SERVICE_NAME: metricsServiceName(this.queuePrefix),
        NODE_OPTIONS: '--enable-source-maps',
      },
    };
  }
}

/** The numbers CDK passes on unchecked, checked where a mistake would otherwise show only after the deploy. */
function validOperations(props: FerryProps): void {
  // A token (a parameter, an import) is known at deploy only: CloudFormation and the service check it then.
  const known = (value: number | undefined): value is number => value !== undefined && !Token.isUnresolved(value);
  const retries = props.streamRetryAttempts;
  // -1 would be Lambda's "retry until the record expires": the poison record the bound is there to stop.
  if (known(retries) && !(Number.isInteger(retries) && retries >= 0 && retries <= 10_000))
    throw new Error(`streamRetryAttempts must be a whole number from 0 to 10000, got ${retries}`);
  const { rateLimit, burstLimit } = props.throttle ?? {};
  if (known(rateLimit) && !(rateLimit > 0))
    throw new Error(`throttle.rateLimit must be greater than 0, got ${rateLimit}`);
  if (known(burstLimit) && !(Number.isInteger(burstLimit) && burstLimit > 0))
    throw new Error(`throttle.burstLimit must be a whole number greater than 0, got ${burstLimit}`);
  const alarm = props.oldestMessageAgeAlarm;
  const age = alarm === undefined || alarm.isUnresolved() ? undefined : alarm.toSeconds();
  if (age !== undefined && !(age > 0)) throw new Error(`oldestMessageAgeAlarm must be longer than 0 s, got ${age} s`);
  if (props.api !== undefined && props.api !== 'http' && props.api !== 'rest')
    throw new Error(`api must be 'http' or 'rest', got '${String(props.api)}'`);
}

function validEnvironment(environment: Readonly<Record<string, string>>): void {
  const reserved = Object.keys(environment).filter((name) => RESERVED_ENVIRONMENT.includes(name));
  if (reserved.length > 0) throw new Error(`Ferry sets ${reserved.join(', ')} itself; remove it from environment`);
  // At synth, what each function would refuse at its start after the deploy: a misspelt or unknown setting, a value
  // out of its range (the same checks, lambda/core/config.ts, as in Lambda, where AWS_LAMBDA_FUNCTION_NAME is set).
  const unknown = Object.keys(environment).filter(
    (name) => name.startsWith('FERRY_') && !(TUNABLE_SETTINGS as readonly string[]).includes(name),
  );
  if (unknown.length > 0)
    throw new Error(`Ferry has no setting ${unknown.join(', ')}; environment takes ${TUNABLE_SETTINGS.join(', ')}`);
  try {
    readConfig({ ...environment, AWS_LAMBDA_FUNCTION_NAME: 'synth' });
  } catch (error) {
    throw new Error(`Ferry environment: ${(error as Error).message}`, { cause: error });
  }
}
