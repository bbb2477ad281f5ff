// Large message bodies in S3 (claim check): written once under the prefix of their lifetime, read back by the API.
import { readConfig } from '../core/config.ts';
import type { BodyRef, MessageId } from '../core/model.ts';
import type { BodyStore } from '../core/ports.ts';
import { bodyKey, keepDaysFor } from './body-layout.ts';
import { endpointFor } from './clients.ts';
import { S3Error, S3Objects } from './s3-objects.ts';

type Env = Record<string, string | undefined>;

/** S3 at AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL) if set, in AWS_REGION, with the credentials of the environment. */
export function s3ObjectsFromEnv(env: Env = process.env): S3Objects {
  return new S3Objects({
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    endpoint: endpointFor(env, 'S3').endpoint,
    env,
  });
}

/** The body store of FERRY_BODY_BUCKET. */
export function s3BodyStoreFromEnv(env: Env = process.env): S3BodyStore {
  return new S3BodyStore(s3ObjectsFromEnv(env), readConfig(env).bodyBucket);
}

export class S3BodyStore implements BodyStore {
  constructor(
    private readonly s3: S3Objects,
    private readonly bucket: string,
  ) {}

  /** The key names the lifetime: the bucket's lifecycle rule for that prefix deletes the object, no call needed. */
  refFor(message: { messageId: MessageId; bornAt: number; keepUntil: number; bytes: number }): BodyRef {
    const days = keepDaysFor(message.bornAt, message.keepUntil);
    return { bucket: this.bucket, key: bodyKey(message.messageId, days), bytes: message.bytes };
  }

  async put(ref: BodyRef, body: string): Promise<void> {
    await this.s3.put(ref.bucket, ref.key, body, 'text/plain; charset=utf-8');
  }

  async get(ref: BodyRef): Promise<string | undefined> {
    try {
      return await this.s3.get(ref.bucket, ref.key);
    } catch (error) {
      // Past its lifetime the bucket's lifecycle rule removed it.
      if (error instanceof S3Error && error.code === 'NoSuchKey') return undefined;
      throw error;
    }
  }
}
