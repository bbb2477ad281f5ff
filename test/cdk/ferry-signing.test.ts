// Template tests for safe, signed outbound calls and signed receipt handles: every function calls out under the public
// endpoint policy, and the receipt key and signing secrets need no permission beyond the table the functions use.
import { App, Stack } from 'aws-cdk-lib';
import type { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { Ferry } from '../../lib/ferry.ts';
import { actionsOf, identityStatements, synthFerryStack, type Statement } from './ferry-app.ts';

const { stack, template } = synthFerryStack({}, 'Ferry', { bundle: false });
const ferry = stack.ferry;
const tableArn = { 'Fn::GetAtt': [stack.getLogicalId(ferry.table.node.defaultChild as CfnTable), 'Arn'] };

function tableActionsOf(fn: LambdaFunction): string[] {
  const roleId = stack.getLogicalId(fn.role?.node.defaultChild as CfnRole);
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }) as Record<
    string,
    { Properties: { PolicyDocument: { Statement: Statement[] } } }
  >;
  return Object.values(policies)
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
    .filter((statement) => JSON.stringify(statement.Resource) === JSON.stringify(tableArn))
    .flatMap(actionsOf);
}

describe('outbound calls and signing in the template', () => {
  it('run every function under the public endpoint policy (https to public addresses only)', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as Array<{
      Properties: { Environment: { Variables: Record<string, unknown> } };
    }>;
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) expect(fn.Properties.Environment.Variables.FERRY_ENDPOINT_POLICY).toBe('public');
  });

  it('refuses an environment that would let check-backs reach private addresses', () => {
    const scope = new Stack(new App(), 'Loosened');
    expect(() => new Ferry(scope, 'Ferry', { environment: { FERRY_ENDPOINT_POLICY: 'local' } })).toThrow(
      /FERRY_ENDPOINT_POLICY/,
    );
  });

  it('let the API read the receipt key and create it with a conditional put, on the table it already uses', () => {
    expect(tableActionsOf(ferry.apiFunction)).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem']));
  });

  it('let the functions that check back read the producer group (its secrets) from the table', () => {
    for (const fn of [ferry.tickFunction, ferry.tickShardFunction]) {
      expect(tableActionsOf(fn)).toContain('dynamodb:GetItem');
    }
  });

  it('grant no secrets service or key service: the key and the secrets live in the table', () => {
    const actions = identityStatements(template).flatMap(({ statement }) => actionsOf(statement));
    expect(actions.filter((action) => /^(secretsmanager|kms|ssm):/.test(action))).toEqual([]);
  });
});
