// Template tests of the Ferry construct and stack: what a deployment creates, and that its permissions stay narrow.
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { INDEXES, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from '../../lambda/aws/table-layout.ts';
import { Ferry } from '../../lib/ferry.ts';
import { actionsOf, identityStatements, synthFerryStack, type Statement } from './ferry-app.ts';
import { STREAM_BATCH_NOT_REDRIVEN } from '../../lambda/aws/log-messages.ts';

/** A metric filter's dimension taken from the log line's `service` field. */
const SERVICE_DIMENSION = [{ Key: 'service', Value: '$.service' }];

const { stack, template } = synthFerryStack();
const ferry = stack.ferry;
const tableId = stack.getLogicalId(ferry.table.node.defaultChild as CfnTable);
const failureQueueId = stack.getLogicalId(ferry.streamFailureQueue.node.defaultChild as CfnQueue);
const queueArnPattern: unknown = stack.resolve(ferry.queueArnPattern());

/** The statements of the policies attached to one function's role. */
function statementsOfFunction(fn: Ferry['apiFunction']): Statement[] {
  const roleId = stack.getLogicalId(fn.role?.node.defaultChild as CfnRole);
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }) as Record<
    string,
    { Properties: { PolicyDocument: { Statement: Statement[] } } }
  >;
  return Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

function sqsStatements(statements: Statement[]): Statement[] {
  return statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('sqs:')));
}

describe('the table', () => {
  it('is one on-demand table with string keys, TTL, a new-and-old-images stream and point-in-time recovery', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
        { AttributeName: SORT_KEY, KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('survives a stack deletion by default: retained and deletion-protected', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  });

  it('has exactly the global secondary indexes of the shared table layout, string keys, the query indexes keys only', () => {
    const keyNames = [PARTITION_KEY, SORT_KEY, ...INDEXES.flatMap((index) => [index.partitionKey, index.sortKey])];
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      AttributeDefinitions: Match.arrayEquals(keyNames.map((AttributeName) => ({ AttributeName, AttributeType: 'S' }))),
      GlobalSecondaryIndexes: INDEXES.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: index.projection },
      })),
    });
  });

  it('is pre-warmed, table and every index, only when the user asks (for a timeout center busy from day one)', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { WarmThroughput: Match.absent() });
    const warm = synthFerryStack({ ferry: { warmThroughput: { writeUnitsPerSecond: 10_000 } } }, 'FerryWarm', {
      bundle: false,
    });
    const [table] = Object.values(warm.template.findResources('AWS::DynamoDB::Table')) as Array<{
      Properties: { WarmThroughput: unknown; GlobalSecondaryIndexes: Array<{ WarmThroughput: unknown }> };
    }>;
    expect(table!.Properties.WarmThroughput).toEqual({ WriteUnitsPerSecond: 10_000 });
    expect(table!.Properties.GlobalSecondaryIndexes.map((index) => index.WarmThroughput)).toEqual(
      INDEXES.map(() => ({ WriteUnitsPerSecond: 10_000 })),
    );
  });
});

describe('the table on provisioned capacity', () => {
  const capacity = {
    mode: 'provisioned',
    writeUnits: { min: 10, max: 1000 },
    readUnits: { min: 5, max: 200 },
  } as const;
  const provisioned = synthFerryStack({ ferry: { capacity } }, 'FerryProvisioned', { bundle: false });

  it('keeps the least units on the table and on every index, instead of paying per request', () => {
    const [table] = Object.values(provisioned.template.findResources('AWS::DynamoDB::Table')) as Array<{
      Properties: {
        BillingMode?: string;
        ProvisionedThroughput: unknown;
        GlobalSecondaryIndexes: Array<{ ProvisionedThroughput: unknown }>;
      };
    }>;
    const least = { ReadCapacityUnits: 5, WriteCapacityUnits: 10 };
    expect(table!.Properties.BillingMode ?? 'PROVISIONED').toBe('PROVISIONED');
    expect(table!.Properties.ProvisionedThroughput).toEqual(least);
    expect(table!.Properties.GlobalSecondaryIndexes.map((index) => index.ProvisionedThroughput)).toEqual(
      INDEXES.map(() => least),
    );
  });

  it('scales the reads and writes of the table and of every index between least and most, at 70% utilisation', () => {
    const tableId = provisioned.stack.getLogicalId(provisioned.stack.ferry.table.node.defaultChild as CfnTable);
    const targets = Object.values(
      provisioned.template.findResources('AWS::ApplicationAutoScaling::ScalableTarget'),
    ) as Array<{
      Properties: { ResourceId: unknown; ScalableDimension: string; MinCapacity: number; MaxCapacity: number };
    }>;
    const scaled = targets.map(({ Properties: { ResourceId, ScalableDimension, MinCapacity, MaxCapacity } }) => {
      const parts = (ResourceId as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
      expect(parts).toContainEqual({ Ref: tableId });
      const index = String(parts.at(-1)).match(/\/index\/(\w+)$/)?.[1] ?? 'table';
      return `${index} ${ScalableDimension.split(':').at(-1)} ${MinCapacity}-${MaxCapacity}`;
    });
    expect(scaled.sort()).toEqual(
      ['table', ...INDEXES.map((index) => index.name)]
        .flatMap((name) => [`${name} ReadCapacityUnits 5-200`, `${name} WriteCapacityUnits 10-1000`])
        .sort(),
    );
    const policies = Object.values(
      provisioned.template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy'),
    ) as Array<{
      Properties: { PolicyType: string; TargetTrackingScalingPolicyConfiguration: { TargetValue: number } };
    }>;
    expect(policies).toHaveLength(targets.length);
    for (const policy of policies) {
      expect(policy.Properties.PolicyType).toBe('TargetTrackingScaling');
      expect(policy.Properties.TargetTrackingScalingPolicyConfiguration.TargetValue).toBe(70);
    }
  });

  it('refuses, at synth, ranges and targets that DynamoDB would refuse at deploy', () => {
    const synth = (bad: object, id: string) => () =>
      synthFerryStack({ ferry: { capacity: { ...capacity, ...bad } } }, id, { bundle: false });
    expect(synth({ writeUnits: { min: 0, max: 10 } }, 'BadMin')).toThrow(/capacity.writeUnits must be whole units/);
    expect(synth({ readUnits: { min: 20, max: 10 } }, 'BadMax')).toThrow(/capacity.readUnits must be whole units/);
    expect(synth({ writeUnits: { min: 1.5, max: 10 } }, 'BadWhole')).toThrow(/capacity.writeUnits/);
    expect(synth({ targetUtilizationPercent: 95 }, 'BadTarget')).toThrow(/must be 20 to 90/);
  });
});

describe('the functions', () => {
  const sharedEnvironment = {
    FERRY_TABLE_NAME: { Ref: tableId },
    FERRY_QUEUE_PREFIX: 'ferry-',
    FERRY_STACK_NAME: 'Ferry',
    FERRY_ENDPOINT_POLICY: 'public',
    POWERTOOLS_SERVICE_NAME: 'ferry',
    NODE_OPTIONS: '--enable-source-maps',
  };

  it('are exactly the API, the dispatcher, the stream redrive, the tick, the tick shard and the pusher, on Node.js 22 and arm64, bundled as ESM', () => {
    template.resourceCountIs('AWS::Lambda::Function', 6);
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function')) as Array<{
      Properties: Record<string, unknown>;
    }>) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
      });
    }
  });

  it('give the API 1024 MB and the 29 s API Gateway allows, the dispatcher 512 MB and 60 s, both the shared environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [stack.getLogicalId(ferry.apiFunction.role?.node.defaultChild as CfnRole), 'Arn'] },
      MemorySize: 1024,
      Timeout: 29,
      Environment: { Variables: sharedEnvironment },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [stack.getLogicalId(ferry.dispatcherFunction.role?.node.defaultChild as CfnRole), 'Arn'] },
      MemorySize: 512,
      Timeout: 60,
      Environment: { Variables: sharedEnvironment },
    });
  });

  it('log JSON to their own log groups, which expire', () => {
    template.allResourcesProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Match.anyValue() } },
    });
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.resourceCountIs('AWS::Logs::LogGroup', 7);
  });

  it('need no AWS managed policy: each role may write only to its own log group', () => {
    template.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    const logStatements = identityStatements(template).filter(({ statement }) =>
      actionsOf(statement).some((action) => action.startsWith('logs:')),
    );
    expect(logStatements).toHaveLength(6);
    for (const { statement } of logStatements)
      expect(statement.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/Logs/), 'Arn'] });
  });
});

describe('the HTTP API', () => {
  it('sends every path to the API function and requires IAM (SigV4) authorisation on every route', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as Array<{
      Properties: { RouteKey: string; AuthorizationType?: string };
    }>;
    expect(routes.map((route) => route.Properties.RouteKey).sort()).toEqual(['ANY /', 'ANY /{proxy+}']);
    for (const route of routes) expect(route.Properties.AuthorizationType).toBe('AWS_IAM');
    template.allResourcesProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [stack.getLogicalId(ferry.apiFunction.node.defaultChild as CfnFunction), 'Arn'] },
    });
  });

  it('has one auto-deployed $default stage with throttling and JSON access logs', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ApiAccessLogs'), 'Arn'] },
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      },
    });
  });
});

describe('the stream to the dispatcher', () => {
  it('reads from the oldest record, reports partial failures, retries a bounded number of times and never reorders', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      MaximumRetryAttempts: 10,
      BisectBatchOnFunctionError: false,
      ParallelizationFactor: 1,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [failureQueueId, 'Arn'] } } },
    });
  });

  it('redrives each given-up batch: the redrive function reads the failure queue one record at a time', () => {
    const redriveId = stack.getLogicalId(ferry.streamRedriveFunction.node.defaultChild as CfnFunction);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [failureQueueId, 'Arn'] },
      FunctionName: { Ref: redriveId },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    // A record that fails again comes back after the visibility timeout, which must outlast the function.
    template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 300 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Role: {
        'Fn::GetAtt': [stack.getLogicalId(ferry.streamRedriveFunction.role?.node.defaultChild as CfnRole), 'Arn'],
      },
      Timeout: 60,
    });
    const toGroups = sqsStatements(statementsOfFunction(ferry.streamRedriveFunction)).filter(
      (statement) => JSON.stringify(statement.Resource) === JSON.stringify(queueArnPattern),
    );
    expect(toGroups.map(actionsOf)).toEqual([['sqs:SendMessage']]);
  });

  it('records given-up batches in an encrypted, TLS-only queue that keeps them 14 days', () => {
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('permissions', () => {
  it('never allow an action wildcard such as *, sqs:* or dynamodb:*', () => {
    const allows = identityStatements(template).filter(({ statement }) => statement.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(0);
    for (const { statement } of allows) {
      for (const action of actionsOf(statement)) expect(action).not.toContain('*');
    }
  });

  it('allow a resource of * only for actions that have no resource-level permission (the event source mapping ones only for the pusher)', () => {
    const unbounded = identityStatements(template).filter(
      ({ statement }) =>
        statement.Resource === '*' || (Array.isArray(statement.Resource) && statement.Resource.includes('*')),
    );
    expect(unbounded.map(({ statement }) => [actionsOf(statement), statement.Condition])).toEqual([
      [['dynamodb:ListStreams'], undefined],
      [
        ['lambda:CreateEventSourceMapping', 'lambda:DeleteEventSourceMapping', 'lambda:UpdateEventSourceMapping'],
        { StringEquals: { 'lambda:FunctionArn': stack.resolve(ferry.pusherFunction.functionArn) } },
      ],
      [['lambda:ListEventSourceMappings'], undefined],
    ]);
  });

  it('let the API manage and consume only the queues under the prefix', () => {
    const statements = sqsStatements(statementsOfFunction(ferry.apiFunction));
    expect(statements).toHaveLength(1);
    expect(statements[0]?.Resource).toEqual(queueArnPattern);
    expect(actionsOf(statements[0]!)).toEqual(
      [
        'sqs:CreateQueue',
        'sqs:SetQueueAttributes',
        'sqs:GetQueueAttributes',
        'sqs:DeleteQueue',
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:ChangeMessageVisibility',
        'sqs:SendMessage',
        'sqs:TagQueue',
        'sqs:ListQueueTags',
      ].sort(),
    );
  });

  it('let the dispatcher only send to the queues under the prefix (and to its own failure queue)', () => {
    const statements = sqsStatements(statementsOfFunction(ferry.dispatcherFunction));
    const toGroups = statements.filter(
      (statement) => JSON.stringify(statement.Resource) === JSON.stringify(queueArnPattern),
    );
    expect(toGroups.map(actionsOf)).toEqual([['sqs:SendMessage']]);
    const rest = statements.filter((statement) => !toGroups.includes(statement));
    expect(rest.map((statement) => statement.Resource)).toEqual([{ 'Fn::GetAtt': [failureQueueId, 'Arn'] }]);
  });

  it('allow each function exactly the AWS actions its code calls (logs aside), and the event sources their pollers need', () => {
    const allowed = (fn: Ferry['apiFunction']) =>
      [
        ...new Set(
          statementsOfFunction(fn)
            .flatMap(actionsOf)
            .filter((action) => !action.startsWith('logs:')),
        ),
      ].sort();
    // The dispatch code, wherever it runs (dispatcher, stream redrive, the tick's sweep).
    const dispatch = [
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ];
    // A queue event source (redrive) or on-failure destination (dispatcher) as CDK grants it to the function's role.
    const failureQueueSend = ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'];
    const failureQueueRead = [
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
    ];
    const streamPolling = [
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ];
    expect(allowed(ferry.apiFunction)).toEqual(
      [
        ...dispatch,
        'dynamodb:DescribeTable',
        's3:GetObject',
        's3:ListBucket',
        's3:PutObject',
        'lambda:CreateEventSourceMapping',
        'lambda:DeleteEventSourceMapping',
        'lambda:ListEventSourceMappings',
        'lambda:UpdateEventSourceMapping',
        'scheduler:GetSchedule',
        'sqs:ChangeMessageVisibility',
        'sqs:CreateQueue',
        'sqs:DeleteMessage',
        'sqs:DeleteQueue',
        'sqs:GetQueueAttributes',
        'sqs:ListQueueTags',
        'sqs:ReceiveMessage',
        'sqs:SendMessage',
        'sqs:SetQueueAttributes',
        'sqs:TagQueue',
      ].sort(),
    );
    expect(allowed(ferry.dispatcherFunction)).toEqual(
      [...new Set([...dispatch, ...streamPolling, ...failureQueueSend])].sort(),
    );
    expect(allowed(ferry.streamRedriveFunction)).toEqual(
      [
        ...new Set([
          ...dispatch,
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          ...failureQueueRead,
          'sqs:SendMessage',
        ]),
      ].sort(),
    );
    // The tick's sweep dispatches what the stream missed; it counts each group's dead letters.
    expect(allowed(ferry.tickFunction)).toEqual(
      [...dispatch, 'lambda:InvokeFunction', 'sqs:GetQueueAttributes', 'sqs:SendMessage'].sort(),
    );
    expect(allowed(ferry.tickShardFunction)).toEqual(
      [
        'dynamodb:BatchWriteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ].sort(),
    );
    // Its group from the catalog, push trace, and what its queue event sources and retries need.
    expect(allowed(ferry.pusherFunction)).toEqual(
      [
        'dynamodb:BatchWriteItem',
        'dynamodb:GetItem',
        's3:GetObject',
        's3:ListBucket',
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:ReceiveMessage',
      ].sort(),
    );
  });

  it('build the queue prefix ARN from the stack partition, region and account', () => {
    expect(queueArnPattern).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':sqs:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':ferry-*',
        ],
      ],
    });
  });

  it('let each function query only the indexes its code reads, each named, nothing broader', () => {
    const indexesQueried = (fn: Ferry['apiFunction']) =>
      statementsOfFunction(fn)
        .filter((statement) => JSON.stringify(statement.Resource).includes('/index/'))
        .map((statement) => {
          expect(actionsOf(statement)).toEqual(['dynamodb:Query']);
          expect(JSON.stringify(statement.Resource)).not.toContain('*');
          return JSON.stringify(statement.Resource).match(/\/index\/\w+/g);
        })
        .flat();
    // A message found by id alone (FIFO messages share a partition); by key, by time, scheduled and undecided ones.
    expect(indexesQueried(ferry.apiFunction).sort()).toEqual([
      '/index/byKey',
      '/index/byMessageId',
      '/index/byTopicTime',
      '/index/byWaiting',
    ]);
    expect(indexesQueried(ferry.dispatcherFunction)).toEqual([]);
    expect(indexesQueried(ferry.streamRedriveFunction)).toEqual([]);
    // The due messages of a bucket; a replay's messages of a time range.
    expect(indexesQueried(ferry.tickFunction).sort()).toEqual(['/index/byDueTime', '/index/byTopicTime']);
    expect(indexesQueried(ferry.tickShardFunction)).toEqual(['/index/byDueTime']);
  });

  it('let the API and the dispatcher use the table itself', () => {
    for (const fn of [ferry.apiFunction, ferry.dispatcherFunction]) {
      const onTable = statementsOfFunction(fn).find(
        (statement) => JSON.stringify(statement.Resource) === JSON.stringify({ 'Fn::GetAtt': [tableId, 'Arn'] }),
      );
      expect(actionsOf(onTable!)).toEqual(
        expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query']),
      );
    }
  });

  it('give only the dispatcher and the stream redrive access to the table stream', () => {
    const streamActions = (fn: Ferry['apiFunction']) =>
      statementsOfFunction(fn)
        .flatMap(actionsOf)
        .filter((action) => /^dynamodb:(\w*Stream\w*|GetRecords|GetShardIterator)$/.test(action));
    expect(streamActions(ferry.apiFunction)).toEqual([]);
    expect(streamActions(ferry.dispatcherFunction).sort()).toEqual([
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ]);
    // The redrive reads a given-up batch back by shard and sequence number: no listing, no describing.
    expect(streamActions(ferry.streamRedriveFunction).sort()).toEqual([
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
    ]);
    expect(streamActions(ferry.tickFunction)).toEqual([]);
  });
});

describe('the stack outputs', () => {
  it('give the API URL, the region to sign for, the table name and the queue prefix', () => {
    template.hasOutput('ApiUrl', { Value: Match.objectLike({ 'Fn::Join': Match.anyValue() }) });
    template.hasOutput('TableName', { Value: { Ref: tableId } });
    template.hasOutput('QueuePrefix', { Value: 'ferry-' });
    template.hasOutput('Region', { Value: { Ref: 'AWS::Region' } });
  });
});

describe('construction', () => {
  it('keeps every logical id the construct had as one file, so an update replaces no table, queue, API or log group', () => {
    const logicalIds = Object.keys(template.toJSON().Resources as Record<string, unknown>).filter(
      (id) => id !== 'CDKMetadata',
    );
    // Added since: the alarms on UNDELIVERABLE and SWEPT faults, and one metric filter per function log group for each;
    // the CloudWatch dashboard and the alarms on dead letters (made, and waiting) and on the oldest message's age; the
    // body bucket and its policy.
    const added = [
      'FerrySweptAlarm',
      'FerryUndeliverableAlarm',
      'FerrySweptBatchesFilter',
      'FerryUndeliverableMessagesFilter',
      'FerryDashboard',
      'FerryDeadLettersAlarm',
      'FerryDeadLettersWaitingAlarm',
      'FerryOldestMessageAgeAlarm',
      'FerryBodyBucket',
      // Push delivery (issue 13).
      'FerryPusherFunction',
      'FerryPushMappingsPolicy',
    ];
    const kept = logicalIds.filter((id) => !added.some((prefix) => id.startsWith(prefix)));
    expect(logicalIds.length - kept.length).toBe(2 + 2 * 5 + 4 + 2 + 5);
    expect(kept.sort()).toEqual([
      'FerryApiAccessLogs3F0AE08D',
      'FerryApiFunction61949C4E',
      'FerryApiFunctionLogsFB610C4C',
      'FerryApiFunctionRole346EC2EE',
      'FerryApiFunctionRoleDefaultPolicy33803382',
      'FerryDispatcherFunction2CB810B3',
      'FerryDispatcherFunctionDynamoDBEventSourceFerryTable9895B285DB025C9C',
      'FerryDispatcherFunctionLogsA126E86C',
      'FerryDispatcherFunctionRole30E40170',
      'FerryDispatcherFunctionRoleDefaultPolicy01EC3F23',
      'FerryHttpApiANYApiIntegration2CFB457E',
      'FerryHttpApiANYApiIntegrationPermission5E6D55E9',
      'FerryHttpApiANYC8AC136F',
      'FerryHttpApiANYproxy575BDEDA',
      'FerryHttpApiANYproxyApiIntegrationPermission51BEE6D5',
      'FerryHttpApiBEE3D718',
      'FerryHttpApiDefaultStage0CE12DED',
      'FerryStreamFailuresAlarm2A71D497',
      'FerryStreamFailuresC52A6DCA',
      'FerryStreamFailuresPolicy12C63760',
      'FerryStreamRedriveFailuresAlarm752D66FA',
      'FerryStreamRedriveFailuresFilterC990EEFA',
      'FerryStreamRedriveFunction30F4B92F',
      'FerryStreamRedriveFunctionLogsA21B3C88',
      'FerryStreamRedriveFunctionRole7300916F',
      'FerryStreamRedriveFunctionRoleDefaultPolicy90171F7C',
      'FerryStreamRedriveFunctionSqsEventSourceFerryStreamFailuresA5B35A5B3CF7858C',
      'FerryTable1A75CFD4',
      'FerryTickFailuresAlarm0FCA2CAB',
      'FerryTickFunctionE80B6468',
      'FerryTickFunctionLogs2B25D698',
      'FerryTickFunctionRole0C820CFE',
      'FerryTickFunctionRoleDefaultPolicyED9E99C0',
      'FerryTickSchedule5122082B',
      'FerryTickScheduleRole0D88125A',
      'FerryTickScheduleRoleDefaultPolicy7CC80FCF',
      'FerryTickShardFunction7B5368EF',
      'FerryTickShardFunctionLogsC2BA5148',
      'FerryTickShardFunctionRoleDefaultPolicy21D3D983',
      'FerryTickShardFunctionRoleE53847FC',
    ]);
  });

  it.each(['', 'toolong12-', 'bad.one-', 'sp ace-', 'ferry/', 'ferry', 'dev_1-', 'a-b-'])(
    'refuses the queue prefix %j before creating anything',
    (queuePrefix) => {
      const scope = new Stack(new App(), 'Invalid');
      expect(() => new Ferry(scope, 'Ferry', { queuePrefix })).toThrow(
        /queuePrefix must be 1 to 8 letters or digits followed by '-'/,
      );
    },
  );

  it('claims its queue prefix with an export that is unique in the account and region, so a second stack with it fails to deploy', () => {
    template.hasOutput('*', { Value: 'ferry-', Export: { Name: 'ferry-queue-prefix-ferry' } });
    // Not bundled (CDK's switch for stacks not being deployed): only the constructs matter here.
    const scope = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Two');
    new Ferry(scope, 'One', { queuePrefix: 'shared-' });
    expect(() => new Ferry(scope, 'Other', { queuePrefix: 'shared-' })).toThrow(/another Ferry in stack Two/);
    expect(() => new Ferry(scope, 'Third', { queuePrefix: 'own-' })).not.toThrow();
  });

  it("names its stack in every function's FERRY_STACK_NAME, the queues' ferry:stack tag", () => {
    template.allResourcesProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ FERRY_STACK_NAME: 'Ferry' }) },
    });
    expect(() => new Ferry(new Stack(new App(), 'S'), 'F', { environment: { FERRY_STACK_NAME: 'x' } })).toThrow(
      /FERRY_STACK_NAME/,
    );
  });

  it('refuses an environment that would override the table or the queue prefix', () => {
    const scope = new Stack(new App(), 'Reserved');
    expect(() => new Ferry(scope, 'Ferry', { environment: { FERRY_QUEUE_PREFIX: 'other-' } })).toThrow(
      /FERRY_QUEUE_PREFIX/,
    );
  });

  it.each([
    [
      { environment: { FERRY_SWEEP_AFTER_SECONDS: '30' } },
      /Ferry environment: FERRY_SWEEP_AFTER_SECONDS \(30\) must be at least 60 in Lambda/,
    ],
    [
      { environment: { FERRY_MAX_BODY_BYTES: '99999999' } },
      /Ferry environment: FERRY_MAX_BODY_BYTES \(99999999\) must not exceed/,
    ],
    [{ environment: { FERRY_TXN_CHECK_MAX: 'abc' } }, /FERRY_TXN_CHECK_MAX must be a number >= 0, got 'abc'/],
    [
      { environment: { FERRY_TXN_CHEK_MAX: '3' } },
      /Ferry has no setting FERRY_TXN_CHEK_MAX; environment takes .*FERRY_TXN_CHECK_MAX/,
    ],
    [{ streamRetryAttempts: -1 }, /streamRetryAttempts must be a whole number from 0 to 10000, got -1/],
    [{ throttle: { rateLimit: -5, burstLimit: 10 } }, /throttle.rateLimit must be greater than 0, got -5/],
    [{ throttle: { rateLimit: 5, burstLimit: 0 } }, /throttle.burstLimit must be a whole number greater than 0, got 0/],
    [{ oldestMessageAgeAlarm: Duration.seconds(0) }, /oldestMessageAgeAlarm must be longer than 0 s/],
    [{ api: 'websocket' as 'http' }, /api must be 'http' or 'rest', got 'websocket'/],
  ])('refuses at synth what the functions or AWS would refuse only after the deploy: %j', (props, said) => {
    const scope = new Stack(new App(), 'Refused');
    expect(() => new Ferry(scope, 'Ferry', props)).toThrow(said);
  });

  it('takes every setting the README documents, and a stream retry count, throttle and alarm in range', () => {
    const scope = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Accepted');
    expect(
      () =>
        new Ferry(scope, 'Ferry', {
          environment: { FERRY_TIMER_LEAD_SECONDS: '60', FERRY_SWEEP_AFTER_SECONDS: '60', FERRY_TXN_CHECK_MAX: '5' },
          streamRetryAttempts: 0,
          throttle: { rateLimit: 0.5, burstLimit: 1 },
          oldestMessageAgeAlarm: Duration.minutes(5),
        }),
    ).not.toThrow();
  });

  it('applies a custom queue prefix everywhere and lets a test stack be destroyed', () => {
    const custom = synthFerryStack(
      {
        ferry: {
          queuePrefix: 'dev1-',
          removalPolicy: RemovalPolicy.DESTROY,
          environment: { FERRY_TIMER_LEAD_SECONDS: '60' },
        },
      },
      'FerryDev',
      { bundle: false },
    );
    custom.template.allResourcesProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ FERRY_QUEUE_PREFIX: 'dev1-', FERRY_TIMER_LEAD_SECONDS: '60' }) },
    });
    const prefixed = identityStatements(custom.template).filter(({ statement }) =>
      JSON.stringify(statement.Resource).includes(':dev1-*'),
    );
    // The API, the dispatcher, the stream redrive, the tick's sweep and the pusher.
    expect(prefixed).toHaveLength(5);
    custom.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
    custom.template.hasOutput('QueuePrefix', { Value: 'dev1-' });
  });

  it('gives a Ferry of another prefix a service of its own: its functions log and count under it, its alarms and dashboard count it alone', () => {
    const custom = synthFerryStack({ ferry: { queuePrefix: 'dev1-' } }, 'FerryDevService', { bundle: false });
    custom.template.allResourcesProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'ferry-dev1-' }) },
    });
    const alarms = Object.values(custom.template.findResources('AWS::CloudWatch::Alarm')).map((alarm) =>
      JSON.stringify(alarm),
    );
    // The three on this Ferry's own log lines and the two on its metrics, by their service; none counts the default Ferry's.
    expect(alarms.filter((alarm) => alarm.includes('{"Name":"service","Value":"ferry-dev1-"}'))).toHaveLength(3);
    expect(alarms.filter((alarm) => alarm.includes("WHERE service = 'ferry-dev1-'"))).toHaveLength(2);
    expect(alarms.join()).not.toMatch(/"Value":"ferry"}|service = 'ferry'/);
    const dashboard = JSON.stringify(Object.values(custom.template.findResources('AWS::CloudWatch::Dashboard'))[0]);
    expect(dashboard.match(/FROM SCHEMA\(Ferry, (Topic|Group), service\) GROUP BY/g)).toBeNull();
    expect(dashboard).toContain("WHERE service = 'ferry-dev1-' GROUP BY Group");
  });
});

describe('the tick', () => {
  it('runs the tick function every minute from one EventBridge Scheduler schedule, without retries', () => {
    const tickId = stack.getLogicalId(ferry.tickFunction.node.defaultChild as CfnFunction);
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [tickId, 'Arn'] },
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 0 }),
      }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [stack.getLogicalId(ferry.tickFunction.role?.node.defaultChild as CfnRole), 'Arn'] },
      Timeout: 55,
    });
  });

  it('fans out to the tick-shard function (one vCPU, 45 s, within the 55 s of the tick), which only the tick may invoke', () => {
    const shardId = stack.getLogicalId(ferry.tickShardFunction.node.defaultChild as CfnFunction);
    const tickId = stack.getLogicalId(ferry.tickFunction.node.defaultChild as CfnFunction);
    const resources = (
      template.toJSON() as {
        Resources: Record<
          string,
          {
            Properties: { MemorySize?: number; Timeout?: number; Environment?: { Variables: Record<string, unknown> } };
          }
        >;
      }
    ).Resources;
    expect(resources[shardId]!.Properties).toMatchObject({
      MemorySize: 1769,
      Timeout: 45,
      Environment: { Variables: { AWS_RETRY_MODE: 'adaptive', AWS_MAX_ATTEMPTS: '10' } },
    });
    expect(resources[tickId]!.Properties.Environment!.Variables.FERRY_TICK_SHARD_FUNCTION).toEqual({ Ref: shardId });
    const invokers = identityStatements(template).filter(
      ({ statement }) =>
        actionsOf(statement).includes('lambda:InvokeFunction') && JSON.stringify(statement.Resource).includes(shardId),
    );
    expect(invokers.map(({ statement }) => statement.Resource)).toEqual([
      [{ 'Fn::GetAtt': [shardId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [shardId, 'Arn'] }, ':*']] }],
    ]);
    expect(statementsOfFunction(ferry.tickFunction)).toContainEqual(invokers[0]!.statement);
    expect(
      resources[stack.getLogicalId(ferry.apiFunction.node.defaultChild as CfnFunction)]!.Properties.Environment!
        .Variables.FERRY_TICK_SHARD_FUNCTION,
    ).toBeUndefined();
  });

  it('tells the API which schedule to report in health, and lets it read only that schedule', () => {
    const apiId = stack.getLogicalId(ferry.apiFunction.node.defaultChild as CfnFunction);
    const env = (
      template.toJSON() as {
        Resources: Record<string, { Properties: { Environment?: { Variables: Record<string, unknown> } } }>;
      }
    ).Resources[apiId]!.Properties.Environment!.Variables;
    expect(env.FERRY_TICK_SCHEDULE_NAME).toBeDefined();
    const getSchedule = statementsOfFunction(ferry.apiFunction).filter((statement) =>
      actionsOf(statement).includes('scheduler:GetSchedule'),
    );
    expect(getSchedule).toHaveLength(1);
    expect(getSchedule[0]!.Resource).toEqual(stack.resolve(ferry.tickSchedule!.scheduleArn));
  });

  it('raises an alarm when a message is undeliverable and when the sweep had to send what the stream missed', () => {
    for (const [fault, metricName] of [
      ['UNDELIVERABLE', 'UndeliverableMessages'],
      ['SWEPT', 'SweptBatches'],
    ] as const) {
      template.resourcePropertiesCountIs(
        'AWS::Logs::MetricFilter',
        {
          FilterPattern: `{ $.fault = "${fault}" }`,
          MetricTransformations: [
            Match.objectLike({ MetricNamespace: 'Ferry', MetricName: metricName, Dimensions: SERVICE_DIMENSION }),
          ],
        },
        5,
      );
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'Ferry',
        MetricName: metricName,
        Dimensions: [{ Name: 'service', Value: 'ferry' }],
        Threshold: 1,
      });
    }
  });

  it('raises an alarm when a stream batch is given up on, when its redrive fails, and when the tick fails three minutes in a row', () => {
    // Five on faults, three on the groups' queues (test/cdk/ferry-monitoring.test.ts).
    template.resourceCountIs('AWS::CloudWatch::Alarm', 8);
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      // The line lambda/handlers/stream-redrive.ts logs, with this Ferry's service.
      FilterPattern: `{ $.message = "${STREAM_BATCH_NOT_REDRIVEN}" }`,
      MetricTransformations: [
        Match.objectLike({
          MetricNamespace: 'Ferry',
          MetricName: 'StreamBatchesNotRedriven',
          Dimensions: SERVICE_DIMENSION,
        }),
      ],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Ferry',
      MetricName: 'StreamBatchesNotRedriven',
      Dimensions: [{ Name: 'service', Value: 'ferry' }],
      Threshold: 1,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'NumberOfMessagesSent',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [failureQueueId, 'QueueName'] } }],
      Threshold: 1,
      EvaluationPeriods: 1,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [
        {
          Name: 'FunctionName',
          Value: { Ref: stack.getLogicalId(ferry.tickFunction.node.defaultChild as CfnFunction) },
        },
      ],
      EvaluationPeriods: 3,
    });
  });

  it('gives the tick the table, and on the group queues only send (its sweep) and their attributes (the dead-letter count); its shards no queue', () => {
    expect(sqsStatements(statementsOfFunction(ferry.tickFunction)).map(actionsOf)).toEqual([
      ['sqs:GetQueueAttributes', 'sqs:SendMessage'],
    ]);
    expect(sqsStatements(statementsOfFunction(ferry.tickShardFunction))).toEqual([]);
  });
});
