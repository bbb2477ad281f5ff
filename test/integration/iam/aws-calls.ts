// Records every AWS call a function makes (a middleware on its SDK clients) and names the IAM actions and resources it needs.
import { BODY_PREFIX } from '../../../lambda/aws/body-layout.ts';
import type { S3Objects } from '../../../lambda/aws/s3-objects.ts';

/** The functions of the CDK app, by the Ferry construct's property names. */
export type FunctionName =
  | 'apiFunction'
  | 'dispatcherFunction'
  | 'streamRedriveFunction'
  | 'tickFunction'
  | 'tickShardFunction'
  | 'pusherFunction';

/** One AWS call as the SDK made it: `service` is the client's serviceId, `operation` the API name. */
export interface AwsCall {
  fn: FunctionName;
  service: string;
  operation: string;
  input: Record<string, unknown>;
  /** The error's name when the call failed (S3 answers a missing object differently by what the caller may do). */
  error?: string;
}

/**
 * What a call needs from IAM: an action on a resource. Resources are named as `template-grants.ts` names the template's:
 * `table`, `table/index/<name>`, `table/stream`, `queue:group` (any queue with the group queue prefix),
 * `tick-schedule`, `tick-shard-function`, `body-bucket` and `body-bucket/bodies/*` (any object under the body prefix);
 * anything else by what it is, so that it matches no grant and shows.
 */
export interface Permission {
  action: string;
  resource: string;
}

/** The names that tell Ferry's own resources from any other. */
export interface LocalNames {
  tableName: string;
  queuePrefix: string;
  tickScheduleName: string;
  tickShardFunction: string;
  bodyBucket: string;
}

interface MiddlewareStackLike {
  add(
    middleware: (
      next: (args: { input: Record<string, unknown> }) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: { input: Record<string, unknown> }) => Promise<unknown>,
    options: { step: 'initialize'; name: string; priority: 'high' },
  ): void;
}

interface ClientLike {
  middlewareStack: unknown;
  config: { serviceId?: string };
}

/** A call the recorder fails once, before it is sent: a way to reach the paths that only failures take. */
export interface OneShotFault {
  fn: FunctionName;
  operation: string;
  /** Fails only a call this accepts; the first such call. */
  when?: (input: Record<string, unknown>) => boolean;
}

export class AwsCallRecorder {
  readonly calls: AwsCall[] = [];
  private readonly faults: OneShotFault[] = [];

  /** Records the calls of these clients as made by `fn`; clients that share a middleware stack are recorded once. */
  record(fn: FunctionName, ...clients: ClientLike[]): void {
    const seen = new Set<unknown>();
    for (const client of clients) {
      if (seen.has(client.middlewareStack)) continue;
      seen.add(client.middlewareStack);
      const service = client.config.serviceId ?? 'unknown';
      (client.middlewareStack as MiddlewareStackLike).add(
        (next, context) => async (args) => {
          const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
          const call: AwsCall = { fn, service, operation, input: args.input };
          this.calls.push(call);
          const fault = this.faults.findIndex(
            (f) => f.fn === fn && f.operation === operation && (f.when?.(args.input) ?? true),
          );
          if (fault >= 0) {
            this.faults.splice(fault, 1);
            throw Object.assign(new Error(`injected: ${fn} ${service}.${operation} failed`), {
              name: 'InternalFailure',
              $fault: 'server',
            });
          }
          try {
            return await next(args);
          } catch (error) {
            call.error = (error as Error).name;
            throw error;
          }
        },
        { step: 'initialize', name: 'ferryIamRecorder', priority: 'high' },
      );
    }
  }

  /** The same for the S3 calls, which Ferry makes without the SDK (lambda/aws/s3-objects.ts). */
  recordS3(fn: FunctionName, objects: S3Objects): void {
    objects.use(async (s3Call, send) => {
      const call: AwsCall = { fn, service: 'S3', operation: s3Call.operation, input: s3Call.input };
      this.calls.push(call);
      try {
        return await send();
      } catch (error) {
        call.error = (error as Error).name;
        throw error;
      }
    });
  }

  failOnce(fault: OneShotFault): void {
    this.faults.push(fault);
  }
}

/** TransactWriteItems is authorised per contained write, by the action that write would be on its own. */
const TRANSACT_PARTS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

/**
 * The IAM action and resource each call needs, as the service authorisation reference lists them: SQS's batch calls
 * are authorised as their single calls (SendMessageBatch as sqs:SendMessage), a DynamoDB transaction by its parts,
 * Lambda's Invoke as lambda:InvokeFunction, the DynamoDB Streams API under the dynamodb prefix, a CreateQueue with tags
 * also as sqs:TagQueue (SQS asks for both), and an S3 GetObject of a missing object also as s3:ListBucket (without it
 * S3 answers 403, not 404, and a body past its time could not be told from a refused read).
 */
export function permissionsOf(call: AwsCall, names: LocalNames): Permission[] {
  const input = call.input;
  switch (call.service) {
    case 'DynamoDB':
      return dynamoDbPermissions(call.operation, input, names);
    case 'DynamoDB Streams':
      return [{ action: `dynamodb:${call.operation}`, resource: 'table/stream' }];
    case 'SQS': {
      const queue = queueOf(input, names);
      const tagged =
        call.operation === 'CreateQueue' && Object.keys((input.tags as object | undefined) ?? {}).length > 0;
      return [
        { action: `sqs:${call.operation.replace(/Batch$/, '')}`, resource: queue },
        ...(tagged ? [{ action: 'sqs:TagQueue', resource: queue }] : []),
      ];
    }
    case 'S3': {
      const bucket = input.Bucket === names.bodyBucket ? 'body-bucket' : `bucket:${String(input.Bucket)}`;
      const key = String(input.Key);
      const object = `${bucket}/${key.startsWith(BODY_PREFIX) ? `${BODY_PREFIX}*` : key}`;
      return [
        { action: `s3:${call.operation}`, resource: object },
        ...(call.operation === 'GetObject' && call.error === 'NoSuchKey'
          ? [{ action: 's3:ListBucket', resource: bucket }]
          : []),
      ];
    }
    case 'Scheduler':
      return [
        {
          action: `scheduler:${call.operation}`,
          resource: input.Name === names.tickScheduleName ? 'tick-schedule' : `schedule:${String(input.Name)}`,
        },
      ];
    case 'Lambda':
      return [
        {
          action: call.operation === 'Invoke' ? 'lambda:InvokeFunction' : `lambda:${call.operation}`,
          resource: lambdaResourceOf(call.operation, input, names),
        },
      ];
    default:
      return [{ action: `${call.service.toLowerCase()}:${call.operation}`, resource: `unknown:${call.service}` }];
  }
}

/**
 * Invoke names its function; the event source mapping calls are authorised on `*` (their resource is the mapping, whose
 * ARN exists only once made), with the function they touch as the `lambda:FunctionArn` condition the role may set.
 */
function lambdaResourceOf(operation: string, input: Record<string, unknown>, names: LocalNames): string {
  if (operation.endsWith('EventSourceMapping') || operation === 'ListEventSourceMappings') return '*';
  return input.FunctionName === names.tickShardFunction
    ? 'tick-shard-function'
    : `function:${String(input.FunctionName)}`;
}

function dynamoDbPermissions(operation: string, input: Record<string, unknown>, names: LocalNames): Permission[] {
  const table = (name: unknown) => (name === names.tableName ? 'table' : `table:${String(name)}`);
  if (operation === 'TransactWriteItems') {
    return (input.TransactItems as Array<Record<string, { TableName: string }>>).flatMap((item) =>
      Object.entries(item).map(([part, write]) => ({
        action: TRANSACT_PARTS[part] ?? `dynamodb:${part}`,
        resource: table(write.TableName),
      })),
    );
  }
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    return Object.keys(input.RequestItems as object).map((name) => ({
      action: `dynamodb:${operation}`,
      resource: table(name),
    }));
  }
  const onIndex = typeof input.IndexName === 'string' ? `/index/${input.IndexName}` : '';
  return [{ action: `dynamodb:${operation}`, resource: `${table(input.TableName)}${onIndex}` }];
}

function queueOf(input: Record<string, unknown>, names: LocalNames): string {
  const name = typeof input.QueueName === 'string' ? input.QueueName : String(input.QueueUrl).split('/').at(-1)!;
  return name.startsWith(names.queuePrefix) ? 'queue:group' : `queue:${name}`;
}
