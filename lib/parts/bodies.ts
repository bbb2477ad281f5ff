// The body bucket: message bodies too large for a DynamoDB item, each under the prefix of its lifetime, and who may use it.
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { Grant, PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { BODY_PREFIX, KEEP_DAYS, keepPrefix } from '../../lambda/aws/body-layout.ts';

/**
 * What the API does with bodies (`lambda/aws/s3-body-store.ts`): PutObject at publish, GetObject at receive and query.
 * ListBucket (on the body prefix only) makes a missing object a 404 rather than a 403, so that a body past its time is
 * told from a refused call.
 */
const API_OBJECT_ACTIONS = ['s3:PutObject', 's3:GetObject'];

/**
 * Private, encrypted (S3-managed keys: no KMS grant for readers), TLS only, ACLs off. Nothing deletes a body by call:
 * one lifecycle rule per lifetime prefix expires it, the longest rule matching the longest a message can be kept
 * (a delay of FERRY_MAX_DELAY_DAYS and a retention of a year, and more).
 */
export function createBodyBucket(scope: Construct, removalPolicy: RemovalPolicy): Bucket {
  return new Bucket(scope, 'BodyBucket', {
    encryption: BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy,
    lifecycleRules: [
      ...KEEP_DAYS.map((days) => ({
        id: `expire-after-${days}-days`,
        prefix: keepPrefix(days),
        expiration: Duration.days(days),
      })),
      { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
    ],
  });
}

/** The API function writes and reads bodies, under the body prefix only. */
export function grantBodyUse(bucket: Bucket, grantee: IGrantable): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: API_OBJECT_ACTIONS, resources: [bucket.arnForObjects(`${BODY_PREFIX}*`)] }),
  );
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': `${BODY_PREFIX}*` } },
    }),
  );
}

/**
 * Reading bodies (the pusher, to push a large message whole; a consumer of a group's SQS queue): s3:GetObject under the
 * body prefix only, and ListBucket there so that a missing body reads as missing, not forbidden.
 */
export function grantBodyRead(bucket: Bucket, grantee: IGrantable): Grant {
  return Grant.addToPrincipal({
    grantee,
    actions: ['s3:GetObject'],
    resourceArns: [bucket.arnForObjects(`${BODY_PREFIX}*`)],
  }).combine(
    Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket'],
      resourceArns: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': `${BODY_PREFIX}*` } },
    }),
  );
}
