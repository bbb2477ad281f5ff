// Creates the body bucket in fauxqs as the CDK construct declares it: one lifecycle rule per lifetime prefix.
import { CreateBucketCommand, PutBucketLifecycleConfigurationCommand, type S3Client } from '@aws-sdk/client-s3';
import { KEEP_DAYS, keepPrefix } from '../aws/body-layout.ts';

/**
 * Creates the bucket if it is missing (CreateBucket is idempotent in fauxqs) and sets its lifecycle rules. fauxqs
 * stores the rules without applying them, as DynamoDB Local keeps items past their TTL: locally nothing expires.
 */
export async function ensureBodyBucket(s3: S3Client, bucket: string): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket: bucket,
      LifecycleConfiguration: {
        Rules: KEEP_DAYS.map((days) => ({
          ID: `expire-after-${days}-days`,
          Status: 'Enabled',
          Filter: { Prefix: keepPrefix(days) },
          Expiration: { Days: days },
        })),
      },
    }),
  );
}
