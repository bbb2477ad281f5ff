// Template tests of push delivery: the pusher function, its permissions, and the API's right to manage its mappings.
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { actionsOf, identityStatements, synthFerryStack } from './ferry-app.ts';

const { stack, template } = synthFerryStack({}, 'FerryPush', { bundle: false });
const ferry = stack.ferry;
const pusherId = stack.getLogicalId(ferry.pusherFunction.node.defaultChild as CfnFunction);
const roleId = (fn: typeof ferry.apiFunction) => stack.getLogicalId(fn.role?.node.defaultChild as CfnRole);
const pusherArn = { 'Fn::GetAtt': [pusherId, 'Arn'] };

describe('push delivery in AWS', () => {
  it('runs the pusher within the 30 s a group queue hides a message, as Lambda requires of an SQS event source', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [roleId(ferry.pusherFunction), 'Arn'] },
      Timeout: 30,
      MemorySize: 256,
    });
  });

  it('makes no event source mapping at deploy time: the API makes one per push group', () => {
    const mappings = template.findResources('AWS::Lambda::EventSourceMapping') as Record<
      string,
      { Properties: { FunctionName: unknown } }
    >;
    expect(Object.values(mappings).map((mapping) => mapping.Properties.FunctionName)).not.toContainEqual({
      Ref: pusherId,
    });
  });

  it("tells the API the pusher's ARN", () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [roleId(ferry.apiFunction), 'Arn'] },
      Environment: { Variables: { FERRY_PUSHER_FUNCTION: pusherArn } },
    });
  });

  it("lets only the API create, update and delete event source mappings, and only the pusher's", () => {
    const mappingStatements = identityStatements(template).filter(({ statement }) =>
      actionsOf(statement).some((action) => action.includes('EventSourceMapping')),
    );
    expect(mappingStatements.map(({ statement }) => [actionsOf(statement), statement.Condition])).toEqual([
      [
        ['lambda:CreateEventSourceMapping', 'lambda:DeleteEventSourceMapping', 'lambda:UpdateEventSourceMapping'],
        { StringEquals: { 'lambda:FunctionArn': pusherArn } },
      ],
      [['lambda:ListEventSourceMappings'], undefined],
    ]);
    const policies = template.findResources('AWS::IAM::Policy') as Record<string, { Properties: { Roles: unknown } }>;
    for (const { policy } of mappingStatements) {
      expect(policies[policy]?.Properties.Roles).toEqual([{ Ref: roleId(ferry.apiFunction) }]);
    }
  });

  it('lets the pusher receive, delete and delay messages of the group queues only, and invoke nothing', () => {
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: roleId(ferry.pusherFunction) }] },
    }) as Record<
      string,
      { Properties: { PolicyDocument: { Statement: Array<{ Action: string | string[]; Resource: unknown }> } } }
    >;
    const statements = Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    const sqs = statements.filter((statement) => [statement.Action].flat().some((action) => action.startsWith('sqs:')));
    expect(sqs.map((statement) => statement.Resource)).toEqual([stack.resolve(ferry.queueArnPattern())]);
    expect(
      statements.flatMap((statement) => [statement.Action].flat()).filter((action) => action.startsWith('lambda:')),
    ).toEqual([]);
  });
});
