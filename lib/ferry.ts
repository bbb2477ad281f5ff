// The Ferry construct: the table, the API, dispatcher, stream-redrive and tick Lambdas, the IAM-authorised HTTP API, the stream wiring and alarms, for any stack.
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, LogGroupLogDestination, type ThrottleSettings } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, TreatMissingData, type Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, type WarmThroughput } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { FilterPattern, LogGroup, MetricFilter, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { INDEXES, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from '../lambda/aws/table-layout.ts';
import { acknowledgeNagFindings } from './nag-suppressions.ts';

/** Options of the {@link Ferry} construct. Every option has a default that is safe for production. */
export interface FerryProps {
  /**
   * Prefix of every consumer-group queue that Ferry creates at run time; IAM grants SQS access by this prefix only.
   * 1 to 7 of `A-Z a-z 0-9 _ -`: an SQS name holds at most 80 characters, and a group name (up to 64) and
   * `-dlq.fifo` (9) follow the prefix. Give each Ferry in one account and region its own prefix.
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
}

/** How one Ferry function differs from the others; bundling, runtime, logging, role and environment are shared. */
interface FunctionOptions {
  /** File name under `lambda/handlers/`, without `.ts`; the file exports `handler`. */
  readonly handlerFile: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
}

const DEFAULT_QUEUE_PREFIX = 'ferry-';
/** SQS names are at most 80 characters: prefix + group name (up to 64) + `-dlq.fifo` (9) leaves 7 for the prefix. */
const QUEUE_PREFIX_PATTERN = /^[A-Za-z0-9_-]{1,7}$/;
const DEFAULT_THROTTLE: ThrottleSettings = { rateLimit: 1000, burstLimit: 2000 };
const DEFAULT_STREAM_RETRY_ATTEMPTS = 10;

/** The repository root: `lambda/` sits beside `lib/`, and `package-lock.json` pins what esbuild bundles. */
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Every table action the runtime's SDK calls need (TransactWriteItems is authorised per contained Put/Update/Delete/ConditionCheck). */
const TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];

/** The API manages consumer-group queues (create, redrive, purge) and serves receive/ack/nack over HTTP. */
const API_QUEUE_ACTIONS = [
  'sqs:CreateQueue',
  'sqs:DeleteQueue',
  'sqs:GetQueueUrl',
  'sqs:GetQueueAttributes',
  'sqs:SetQueueAttributes',
  'sqs:TagQueue',
  'sqs:SendMessage',
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:ListDeadLetterSourceQueues',
  'sqs:StartMessageMoveTask',
  'sqs:ListMessageMoveTasks',
  'sqs:PurgeQueue',
];

/** The dispatcher only hands messages to the queues of the groups that match them. */
const DISPATCHER_QUEUE_ACTIONS = ['sqs:SendMessage', 'sqs:GetQueueUrl'];

/** Variables the construct owns; a user's `environment` must not silently point a function at another table or prefix. */
const RESERVED_ENVIRONMENT = ['FERRY_TABLE_NAME', 'FERRY_QUEUE_PREFIX', 'POWERTOOLS_SERVICE_NAME', 'NODE_OPTIONS'];

/** Fields of one access log line (HTTP API `$context` variables), one JSON object per request. */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  caller: '$context.identity.caller',
  userArn: '$context.identity.userArn',
  httpMethod: '$context.httpMethod',
  path: '$context.path',
  routeKey: '$context.routeKey',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  error: '$context.error.message',
  integrationError: '$context.integrationErrorMessage',
};

/**
 * Ferry: RocketMQ-style business messaging on serverless AWS. One DynamoDB table (the commit point; its stream is the
 * outbox), a Lambda behind an IAM-authorised HTTP API, and a dispatcher Lambda on the table's stream that hands each
 * message that became READY to the SQS queues of the consumer groups it matches. The queues themselves are created at
 * run time, one pair per consumer group, named by {@link Ferry.queuePrefix}.
 */
export class Ferry extends Construct {
  /** The one table: messages, their trace, the catalog of topics and groups, timer buckets. */
  readonly table: Table;
  /** The HTTP API; every route requires SigV4-signed requests (IAM authorisation). */
  readonly api: HttpApi;
  /** The function behind every API route. */
  readonly apiFunction: NodejsFunction;
  /** The function on the table's stream that dispatches messages to their groups' queues. */
  readonly dispatcherFunction: NodejsFunction;
  /** The tick: hands scheduled messages on at their lead and checks back undecided transactions. */
  readonly tickFunction: NodejsFunction;
  /** Wakes one shard of the timer wheel; the tick invokes it once per shard, so that a busy bucket is handed on by several CPUs. */
  readonly tickShardFunction: NodejsFunction;
  /** Runs the tick every minute; health reports its state, because without it delayed messages stop. */
  readonly tickSchedule: Schedule;
  /** The role EventBridge Scheduler assumes to invoke the tick. */
  readonly tickScheduleRole: Role;
  /** Receives a record of every stream batch the dispatcher gave up on after its retries. */
  readonly streamFailureQueue: Queue;
  /** Reads each given-up batch back from the stream (which keeps it 24 h) and dispatches it again. */
  readonly streamRedriveFunction: NodejsFunction;
  /**
   * Alarms: a stream batch given up on by the dispatcher (the redrive function dispatches it again), a given-up batch
   * the redrive could not dispatch either (its READY messages wait on an operator, and the stream keeps its records
   * 24 h), and ticks failing (scheduled messages and check-backs stop). Attach your notification, e.g.
   * `alarm.addAlarmAction(new SnsAction(topic))`.
   */
  readonly alarms: { streamFailures: Alarm; streamRedriveFailures: Alarm; tickFailures: Alarm };
  /** Prefix of every queue Ferry creates at run time. */
  readonly queuePrefix: string;
  /** The API's base URL (default stage), ending with `/`. */
  readonly url: string;

  private readonly removalPolicy: RemovalPolicy;
  private readonly logRetention: RetentionDays;
  private readonly environment: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: FerryProps = {}) {
    super(scope, id);
    this.queuePrefix = validQueuePrefix(props.queuePrefix ?? DEFAULT_QUEUE_PREFIX);
    this.removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    validEnvironment(props.environment ?? {});

    this.table = this.createTable(props.warmThroughput);
    this.environment = {
      ...props.environment,
      FERRY_TABLE_NAME: this.table.tableName,
      FERRY_QUEUE_PREFIX: this.queuePrefix,
      POWERTOOLS_SERVICE_NAME: 'ferry',
      NODE_OPTIONS: '--enable-source-maps',
    };

    this.apiFunction = this.createFunction('ApiFunction', {
      handlerFile: 'api',
      description: 'Ferry HTTP API: admin, publish, transactions, consume, query, dashboard',
      memorySize: 1024,
      // API Gateway stops waiting after 29 s; running longer would only bill for an answer nobody receives.
      timeout: Duration.seconds(29),
    });
    this.grantTable(this.apiFunction);
    this.grantQueues(this.apiFunction, API_QUEUE_ACTIONS);

    this.dispatcherFunction = this.createFunction('DispatcherFunction', {
      handlerFile: 'dispatcher',
      description: 'Ferry dispatcher: sends messages that became READY to the queues of their matching groups',
      memorySize: 512,
      timeout: Duration.seconds(60),
    });
    this.grantTable(this.dispatcherFunction);
    this.grantQueues(this.dispatcherFunction, DISPATCHER_QUEUE_ACTIONS);
    this.streamFailureQueue = this.createStreamFailureQueue();
    this.subscribeDispatcher(props.streamRetryAttempts ?? DEFAULT_STREAM_RETRY_ATTEMPTS);
    this.streamRedriveFunction = this.createFunction('StreamRedriveFunction', {
      handlerFile: 'stream-redrive',
      description: 'Ferry stream redrive: dispatches again the stream batches the dispatcher gave up on',
      memorySize: 512,
      timeout: Duration.seconds(60),
    });
    this.grantTable(this.streamRedriveFunction);
    this.grantQueues(this.streamRedriveFunction, DISPATCHER_QUEUE_ACTIONS);
    this.table.grantStreamRead(this.streamRedriveFunction);
    // One record per invocation; one that fails again comes back after the queue's visibility timeout.
    this.streamRedriveFunction.addEventSource(new SqsEventSource(this.streamFailureQueue, { batchSize: 1, reportBatchItemFailures: true }));

    // A hand-on costs about 0.5 ms of CPU (docs/benchmarks.md): one vCPU (1769 MB) per shard keeps a shard of a
    // 100,000-message bucket to seconds.
    this.tickShardFunction = this.createFunction('TickShardFunction', {
      handlerFile: 'tick-shard',
      description: 'Ferry tick, one shard: hands that shard\'s due scheduled messages on, checks back its undecided transactions',
      memorySize: 1769,
      timeout: Duration.seconds(45),
    });
    this.grantTable(this.tickShardFunction);
    // A burst of hand-ons may meet DynamoDB throttling while the table grows: the SDK's adaptive mode slows down and
    // retries instead of failing the shard (which the next tick would redo a minute later).
    this.tickShardFunction.addEnvironment('AWS_RETRY_MODE', 'adaptive');
    this.tickShardFunction.addEnvironment('AWS_MAX_ATTEMPTS', '10');
    this.tickFunction = this.createFunction('TickFunction', {
      handlerFile: 'tick',
      description: 'Ferry tick: fans out to one tick-shard invocation per shard of the timer wheel, then moves its cursor',
      memorySize: 256,
      // Waits for its shards (45 s at most), well within the minute between two ticks; a tick cut short is caught up
      // by the next one.
      timeout: Duration.seconds(55),
    });
    this.grantTable(this.tickFunction);
    this.tickFunction.addEnvironment('FERRY_TICK_SHARD_FUNCTION', this.tickShardFunction.functionName);
    this.tickShardFunction.grantInvoke(this.tickFunction);
    this.tickScheduleRole = new Role(this, 'TickScheduleRole', { assumedBy: new ServicePrincipal('scheduler.amazonaws.com'), description: 'Lets the Ferry tick schedule invoke the tick function' });
    this.tickSchedule = this.createTickSchedule();
    this.apiFunction.addEnvironment('FERRY_TICK_SCHEDULE_NAME', this.tickSchedule.scheduleName);
    this.alarms = this.createAlarms();
    this.apiFunction.addToRolePolicy(new PolicyStatement({ actions: ['scheduler:GetSchedule'], resources: [this.tickSchedule.scheduleArn] }));

    this.api = this.createApi();
    this.url = this.createDefaultStage(props.throttle ?? DEFAULT_THROTTLE);
    // Here rather than in FerryStack, so that a user's own stack running cdk-nag inherits the reviewed findings.
    acknowledgeNagFindings(this);
  }

  private createTable(warmThroughput: WarmThroughput | undefined): Table {
    const table = new Table(this, 'Table', {
      partitionKey: { name: PARTITION_KEY, type: AttributeType.STRING },
      sortKey: { name: SORT_KEY, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      // The dispatcher needs the old image to tell a write that made a message READY from a rewrite of a READY one.
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: this.removalPolicy !== RemovalPolicy.DESTROY,
      removalPolicy: this.removalPolicy,
      ...(warmThroughput === undefined ? {} : { warmThroughput }),
    });
    for (const index of INDEXES) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
        ...(warmThroughput === undefined ? {} : { warmThroughput }),
      });
    }
    return table;
  }

  /**
   * One Ferry function from `lambda/handlers/<handlerFile>.ts`, with the shared runtime, bundling, environment and
   * logging, and its own role that may write only to its own log group. A new handler (the tick) is one call.
   */
  private createFunction(id: string, options: FunctionOptions): NodejsFunction {
    const logGroup = new LogGroup(this, `${id}Logs`, { retention: this.logRetention, removalPolicy: this.removalPolicy });
    // An own role instead of AWSLambdaBasicExecutionRole: that managed policy may write to every log group in the account.
    const role = new Role(this, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${this.node.path}/${id}`,
    });
    logGroup.grantWrite(role);
    return new NodejsFunction(this, id, {
      entry: fileURLToPath(new URL(`../lambda/handlers/${options.handlerFile}.ts`, import.meta.url)),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: fileURLToPath(new URL('../package-lock.json', import.meta.url)),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      description: options.description,
      memorySize: options.memorySize,
      timeout: options.timeout,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: this.environment,
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        // CommonJS dependencies inside an ESM bundle still call require(); ESM has none, so the bundle defines it.
        banner: "import { createRequire as __ferryCreateRequire } from 'node:module'; const require = __ferryCreateRequire(import.meta.url);",
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        // Stack traces need line mappings only; embedded sources would make every cold start parse the whole SDK twice.
        sourcesContent: false,
        // Bundle the AWS SDK too: the versions tested (package-lock.json) are the versions that run, whatever the
        // runtime happens to ship.
        externalModules: [],
        forceDockerBundling: false,
      },
    });
  }

  /** Read and write items in the table; query (only) its indexes, each named, so no wildcard is needed. */
  private grantTable(fn: IGrantable): void {
    fn.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: TABLE_ACTIONS, resources: [this.table.tableArn] }));
    fn.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: INDEXES.map((index) => `${this.table.tableArn}/index/${index.name}`),
      }),
    );
  }

  /** Consumer-group queues exist only at run time, one pair per group, so they can be addressed only by name prefix. */
  private grantQueues(fn: IGrantable, actions: string[]): void {
    fn.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [this.queueArnPattern()] }));
  }

  /** `arn:<partition>:sqs:<region>:<account>:<queuePrefix>*`. */
  queueArnPattern(): string {
    return Stack.of(this).formatArn({ service: 'sqs', resource: `${this.queuePrefix}*` });
  }

  private createAlarms(): Ferry['alarms'] {
    return {
      streamFailures: this.alarmOnAny(
        'StreamFailuresAlarm',
        'Ferry: the dispatcher gave up on a stream batch after its retries; the stream redrive function is dispatching it again. Look for why in the dispatcher logs.',
        this.streamFailureQueue.metricNumberOfMessagesSent({ period: Duration.minutes(5), statistic: 'Sum' }),
      ),
      streamRedriveFailures: this.alarmOnAny(
        'StreamRedriveFailuresAlarm',
        'Ferry: a given-up stream batch could not be dispatched again either; its READY messages reach no queue until it is. The stream keeps it 24 h.',
        new MetricFilter(this, 'StreamRedriveFailuresFilter', {
          logGroup: this.streamRedriveFunction.logGroup,
          filterPattern: FilterPattern.literal('"stream batch not redriven"'),
          metricNamespace: 'Ferry',
          metricName: 'StreamBatchesNotRedriven',
          metricValue: '1',
        }).metric({ period: Duration.minutes(5), statistic: 'Sum' }),
      ),
      // One failed tick is caught up by the next; three in a row mean scheduled messages are late.
      tickFailures: this.alarmOnAny(
        'TickFailuresAlarm',
        'Ferry: the tick failed three minutes in a row; scheduled messages and transaction check-backs are late.',
        this.tickFunction.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }),
        3,
      ),
    };
  }

  /** An alarm when the metric is at least 1 in each of `periods` periods in a row; no data is no alarm. */
  private alarmOnAny(id: string, alarmDescription: string, metric: Metric, periods = 1): Alarm {
    return new Alarm(this, id, {
      alarmDescription,
      metric,
      threshold: 1,
      evaluationPeriods: periods,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  private createStreamFailureQueue(): Queue {
    return new Queue(this, 'StreamFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // SQS's longest retention: time to find out why a batch failed and recover its READY messages.
      retentionPeriod: Duration.days(14),
      // Longer than the redrive function may run, and the pause before a failed redrive is tried again.
      visibilityTimeout: Duration.minutes(5),
    });
  }

  private subscribeDispatcher(retryAttempts: number): void {
    this.dispatcherFunction.addEventSource(
      new DynamoEventSource(this.table, {
        // Nothing written before the dispatcher existed may be skipped: the stream is the outbox.
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        // The handler reports the first record it could not dispatch; Lambda retries from there, keeping order.
        reportBatchItemFailures: true,
        retryAttempts,
        // Bisecting would retry the two halves separately, so a later message of a FIFO message group could be sent
        // before an earlier one that is still failing: a message group must never be reordered.
        bisectBatchOnError: false,
        // More than one concurrent batch per shard would let records of one item key (one FIFO message group) overtake
        // each other; per-key order is the only order DynamoDB streams promise, and Ferry's FIFO rests on it.
        parallelizationFactor: 1,
        onFailure: new SqsDlq(this.streamFailureQueue),
      }),
    );
  }

  /** One recurring schedule for every timer: EventBridge Scheduler fires within its minute, the tick makes it exact. */
  private createTickSchedule(): Schedule {
    return new Schedule(this, 'TickSchedule', {
      description: 'Ferry tick: scheduled messages and transaction check-backs',
      schedule: ScheduleExpression.rate(Duration.minutes(1)),
      // No retries: a missed tick is caught up by the next one a minute later, and two at once would only race.
      target: new LambdaInvoke(this.tickFunction, { retryAttempts: 0, role: this.tickScheduleRole }),
    });
  }

  private createApi(): HttpApi {
    const api = new HttpApi(this, 'HttpApi', {
      apiName: `${Stack.of(this).stackName}-${this.node.id}`,
      description: 'Ferry: business messaging (RocketMQ semantics) on serverless AWS',
      defaultAuthorizer: new HttpIamAuthorizer(),
      // The default stage is added below with throttling and access logs, which HttpApi's own default stage lacks.
      createDefaultStage: false,
    });
    const integration = new HttpLambdaIntegration('ApiIntegration', this.apiFunction);
    api.addRoutes({ path: '/', methods: [HttpMethod.ANY], integration });
    api.addRoutes({ path: '/{proxy+}', methods: [HttpMethod.ANY], integration });
    return api;
  }

  /** The `$default` stage, so that the URL has no stage segment; answers its URL. */
  private createDefaultStage(throttle: ThrottleSettings): string {
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: this.logRetention, removalPolicy: this.removalPolicy });
    const stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    return stage.url;
  }
}

function validQueuePrefix(prefix: string): string {
  if (Token.isUnresolved(prefix) || !QUEUE_PREFIX_PATTERN.test(prefix)) {
    throw new Error(
      `Ferry queuePrefix must be 1 to 7 of A-Z a-z 0-9 _ - (an SQS name is at most 80 characters: prefix + group name up to 64 + '-dlq.fifo'), got '${prefix}'`,
    );
  }
  return prefix;
}

function validEnvironment(environment: Readonly<Record<string, string>>): void {
  const reserved = Object.keys(environment).filter((name) => RESERVED_ENVIRONMENT.includes(name));
  if (reserved.length > 0) throw new Error(`Ferry sets ${reserved.join(', ')} itself; remove it from environment`);
}
