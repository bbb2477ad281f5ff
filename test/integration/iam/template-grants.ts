// What the synthesized template lets each Ferry function do: its role's policy statements as (action, resource) pairs.
import type { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import { actionsOf, synthFerryStack, type Statement } from '../../cdk/ferry-app.ts';
import type { FunctionName, Permission } from './aws-calls.ts';

export interface TemplateGrants {
  /** Every Lambda function of the template, by logical id, with the Ferry property name where it is one of Ferry's. */
  functions: Array<{ logicalId: string; name: FunctionName | undefined }>;
  /** The allowed (action, resource) pairs of each function's role; logs are left out (the Lambda runtime writes them). */
  allowed: Map<FunctionName, Permission[]>;
}

const FUNCTIONS: FunctionName[] = [
  'apiFunction',
  'dispatcherFunction',
  'streamRedriveFunction',
  'tickFunction',
  'tickShardFunction',
  'pusherFunction',
];

/** The stack as `cdk synth` makes it, without bundling the code (the policies do not depend on it). */
export function templateGrants(): TemplateGrants {
  const { stack, template } = synthFerryStack({}, 'Ferry', { bundle: false });
  const ferry = stack.ferry;
  const idOf = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as CfnTable);
  const known = new Map<string, string>([
    [`${idOf(ferry.table)}.Arn`, 'table'],
    [`${idOf(ferry.table)}.StreamArn`, 'table/stream'],
    [`${idOf(ferry.streamFailureQueue)}.Arn`, 'queue:stream-failures'],
    [`${idOf(ferry.tickShardFunction)}.Arn`, 'tick-shard-function'],
    [`${idOf(ferry.bodyBucket)}.Arn`, 'body-bucket'],
    ...(ferry.tickSchedule === undefined
      ? []
      : [[`${stack.getLogicalId(ferry.tickSchedule.node.defaultChild as CfnSchedule)}.Arn`, 'tick-schedule'] as const]),
  ]);
  const queuePattern = JSON.stringify(stack.resolve(ferry.queueArnPattern()));

  /** A resource of a statement in the names of aws-calls.ts: CloudFormation's references to Ferry's own resources. */
  const nameOf = (resource: unknown): string => {
    if (resource === '*') return '*';
    if (JSON.stringify(resource) === queuePattern) return 'queue:group';
    const getAtt = (resource as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
    if (getAtt !== undefined) return known.get(getAtt.join('.')) ?? `${getAtt.join('.')}`;
    const join = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (join !== undefined && join[0] === '' && join[1].length === 2 && typeof join[1][1] === 'string') {
      const base = nameOf(join[1][0]);
      // A function's versions and aliases (`<arn>:*`) are the function for what a call may do.
      return join[1][1] === ':*' ? base : `${base}${join[1][1]}`;
    }
    return JSON.stringify(resource);
  };

  const allowed = new Map<FunctionName, Permission[]>();
  for (const name of FUNCTIONS) {
    const roleId = stack.getLogicalId(ferry[name].role?.node.defaultChild as CfnRole);
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }) as Record<
      string,
      { Properties: { PolicyDocument: { Statement: Statement[] } } }
    >;
    const statements = Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    allowed.set(
      name,
      statements
        .filter((statement) => statement.Effect === 'Allow')
        .flatMap((statement) => {
          const resources = Array.isArray(statement.Resource)
            ? (statement.Resource as unknown[])
            : [statement.Resource];
          return actionsOf(statement).flatMap((action) =>
            action.startsWith('logs:') ? [] : resources.map((resource) => ({ action, resource: nameOf(resource) })),
          );
        }),
    );
  }
  const byLogicalId = new Map(
    FUNCTIONS.map((name) => [stack.getLogicalId(ferry[name].node.defaultChild as CfnFunction), name]),
  );
  const functions = Object.keys(template.findResources('AWS::Lambda::Function')).map((logicalId) => ({
    logicalId,
    name: byLogicalId.get(logicalId),
  }));
  return { functions, allowed };
}
