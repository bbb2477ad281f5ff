// Creates the body bucket in fauxqs as the CDK construct declares it: one lifecycle rule per lifetime prefix.
import { CreateBucketCommand, PutBucketLifecycleConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { KEEP_DAYS, keepPrefix } from '../aws/body-layout.ts';
import { endpointFor } from '../aws/clients.ts';

/**
 * The SDK's S3 client, for what only the local stack and the tests do to a bucket (the functions read and write
 * objects through lambda/aws/s3-objects.ts). An endpoint of its own is addressed path-style.
 */
export function s3ClientFromEnv(env: Record<string, string | undefined> = process.env): S3Client {
  const endpoint = endpointFor(env, 'S3');
  return new S3Client({ ...endpoint, forcePathStyle: endpoint.endpoint !== undefined });
}

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
