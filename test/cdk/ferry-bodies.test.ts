// Template tests of the body bucket: private, encrypted, TLS only, expired by lifecycle, and used by the API alone.
import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { KEEP_DAYS, keepPrefix } from '../../lambda/aws/body-layout.ts';
import { actionsOf, identityStatements, newFerryStack, synthFerryStack } from './ferry-app.ts';

const { stack } = newFerryStack({}, 'FerryBodies', { bundle: false });
const ferry = stack.ferry;
const reader = new Role(stack, 'DirectReader', { assumedBy: new AccountRootPrincipal() });
ferry.grantReadBodies(reader);
const template = Template.fromStack(stack);
const bucketId = stack.getLogicalId(ferry.bodyBucket.node.defaultChild as CfnBucket);
const bodyObjects = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/bodies/*']] };

/** Every statement that names an S3 action, by the role its policy is attached to. */
function s3Statements() {
  const policies = template.findResources('AWS::IAM::Policy') as Record<string, { Properties: { Roles: unknown[] } }>;
  return identityStatements(template)
    .filter(({ statement }) => actionsOf(statement).some((action) => action.startsWith('s3:')))
    .map(({ policy, statement }) => ({ roles: policies[policy]!.Properties.Roles, statement }));
}
const roleRef = (role: { node: { defaultChild?: unknown } }) => ({
  Ref: stack.getLogicalId(role.node.defaultChild as never),
});

describe('the body bucket', () => {
  it('is one private bucket: S3-managed encryption, every public access blocked, ACLs off, retained by default', () => {
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      }),
    });
  });

  it('refuses every request that is not over TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('expires each lifetime prefix after its days, the longest past a 365-day delay, a year of retention and queue time', () => {
    const [bucket] = Object.values(template.findResources('AWS::S3::Bucket')) as Array<{
      Properties: { LifecycleConfiguration: { Rules: Array<Record<string, unknown>> } };
    }>;
    const expiring = bucket!.Properties.LifecycleConfiguration.Rules.filter((rule) => 'ExpirationInDays' in rule);
    expect(expiring).toEqual(
      KEEP_DAYS.map((days) => ({
        Id: `expire-after-${days}-days`,
        Prefix: keepPrefix(days),
        ExpirationInDays: days,
        Status: 'Enabled',
      })),
    );
    expect(Math.max(...KEEP_DAYS)).toBeGreaterThan(365 + 365 + 29);
  });

  it('is written by the API function alone and read by it and the pusher, under the body prefix, and no one may delete a body', () => {
    const statements = s3Statements();
    const api = statements.filter(
      ({ roles }) => JSON.stringify(roles) === JSON.stringify([roleRef(ferry.apiFunction.role!)]),
    );
    expect(api.map(({ statement }) => statement)).toEqual([
      expect.objectContaining({ Action: ['s3:GetObject', 's3:PutObject'], Resource: bodyObjects }),
      expect.objectContaining({
        Action: 's3:ListBucket',
        Resource: { 'Fn::GetAtt': [bucketId, 'Arn'] },
        Condition: { StringLike: { 's3:prefix': 'bodies/*' } },
      }),
    ]);
    const pusher = statements.filter(
      ({ roles }) => JSON.stringify(roles) === JSON.stringify([roleRef(ferry.pusherFunction.role!)]),
    );
    expect(pusher.map(({ statement }) => statement)).toEqual([
      expect.objectContaining({ Action: 's3:GetObject', Resource: bodyObjects }),
      expect.objectContaining({ Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': 'bodies/*' } } }),
    ]);
    const others = statements.filter((entry) => !api.includes(entry) && !pusher.includes(entry));
    // The direct reader's two (grantReadBodies, below).
    expect(others.map(({ roles }) => roles)).toEqual([[roleRef(reader)], [roleRef(reader)]]);
    expect(statements.flatMap(({ statement }) => actionsOf(statement)).filter((a) => a.includes('Delete'))).toEqual([]);
  });

  it('grantReadBodies lets a direct SQS consumer read bodies under the body prefix and nothing else', () => {
    const mine = s3Statements().filter(({ roles }) => JSON.stringify(roles) === JSON.stringify([roleRef(reader)]));
    // GetObject of bodies, and ListBucket under their prefix so that a body past its time reads as 404, not 403: no
    // other object, no GetObjectAcl or tagging, no listing of the rest of the bucket.
    expect(mine.map(({ statement }) => [actionsOf(statement), (statement as { Resource: unknown }).Resource])).toEqual([
      [['s3:GetObject'], bodyObjects],
      [['s3:ListBucket'], { 'Fn::GetAtt': [bucketId, 'Arn'] }],
    ]);
    expect((mine[1]!.statement as { Condition?: unknown }).Condition).toEqual({
      StringLike: { 's3:prefix': 'bodies/*' },
    });
  });

  it('is named to the API function and the pusher only, and in the stack outputs', () => {
    const functions = template.findResources('AWS::Lambda::Function') as Record<
      string,
      { Properties: { Environment: { Variables: Record<string, unknown> } } }
    >;
    const told = Object.entries(functions)
      .filter(([, fn]) => 'FERRY_BODY_BUCKET' in fn.Properties.Environment.Variables)
      .map(([id, fn]) => [id, fn.Properties.Environment.Variables.FERRY_BODY_BUCKET]);
    expect(told.sort()).toEqual(
      [ferry.apiFunction, ferry.pusherFunction]
        .map((fn) => [stack.getLogicalId(fn.node.defaultChild as never), { Ref: bucketId }])
        .sort(),
    );
    template.hasOutput('BodyBucketName', { Value: { Ref: bucketId } });
  });

  it('refuses an environment that would point the API at another bucket', () => {
    expect(() => newFerryStack({ ferry: { environment: { FERRY_BODY_BUCKET: 'elsewhere' } } }, 'Other')).toThrow(
      /FERRY_BODY_BUCKET/,
    );
  });

  it('goes with a test stack whose removal policy is DESTROY', () => {
    const destroyed = synthFerryStack({ ferry: { removalPolicy: RemovalPolicy.DESTROY } }, 'Destroyed', {
      bundle: false,
    });
    destroyed.template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
  });
});
