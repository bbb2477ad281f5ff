// Reads the CDK app's context (`-c name=value` or cdk.json) into the Ferry stack's options: stack name, queue prefix, API and tick.
import type { Node } from 'constructs';
import type { FerryProps } from './ferry.ts';

/** What `bin/app.ts` builds from context. */
export interface FerryAppOptions {
  readonly stackName: string;
  readonly ferry: FerryProps;
}

/**
 * `-c stackName=`, `-c queuePrefix=` (so that two Ferry stacks can share an account and region), `-c api=http|rest`,
 * `-c tick=scheduler|rule`, and `-c localstack=true`, which means `rest` and `rule`: LocalStack's free plan has REST
 * APIs but no HTTP APIs, and runs rules but not Scheduler schedules (docs/localstack.md). An explicit `api` or `tick`
 * wins over `localstack`.
 */
export function ferryAppOptions(node: Node): FerryAppOptions {
  const localstack = contextFlag(node, 'localstack');
  const queuePrefix = contextString(node, 'queuePrefix');
  return {
    stackName: contextString(node, 'stackName') ?? 'Ferry',
    ferry: {
      api: contextChoice(node, 'api', ['http', 'rest'] as const) ?? (localstack ? 'rest' : 'http'),
      tick: contextChoice(node, 'tick', ['scheduler', 'rule'] as const) ?? (localstack ? 'rule' : 'scheduler'),
      ...(queuePrefix === undefined ? {} : { queuePrefix }),
    },
  };
}

function contextString(node: Node, name: string): string | undefined {
  const value: unknown = node.tryGetContext(name);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new Error(`context '${name}' must be a non-empty string`);
  return value;
}

function contextChoice<T extends string>(node: Node, name: string, allowed: readonly T[]): T | undefined {
  const value = contextString(node, name);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new Error(`context '${name}' must be one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

/** `true` from cdk.json, or the string `true` from `-c name=true`. */
function contextFlag(node: Node, name: string): boolean {
  const value: unknown = node.tryGetContext(name);
  if (value === undefined || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new Error(`context '${name}' must be true or false, got '${String(value)}'`);
}
