// Large message bodies in S3 (claim check): written once under the prefix of their lifetime, read back by the API.
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { readConfig } from '../core/config.ts';
import type { BodyRef, MessageId } from '../core/model.ts';
import type { BodyStore } from '../core/ports.ts';
import { bodyKey, keepDaysFor } from './body-layout.ts';
import { endpointFor } from './clients.ts';

type Env = Record<string, string | undefined>;

/**
 * Made here, not in clients.ts, so that only the functions that read or write bodies (the API, the local stack) carry
 * the S3 client in their bundle. An endpoint of its own (fauxqs, LocalStack) is addressed path-style:
 * `bucket.127.0.0.1` would not resolve.
 */
export function s3ClientFromEnv(env: Env = process.env): S3Client {
  const endpoint = endpointFor(env, 'S3');
  return new S3Client({ ...endpoint, forcePathStyle: endpoint.endpoint !== undefined });
}

/** The body store of FERRY_BODY_BUCKET. */
export function s3BodyStoreFromEnv(env: Env = process.env): S3BodyStore {
  return new S3BodyStore(s3ClientFromEnv(env), readConfig(env).bodyBucket);
}

export class S3BodyStore implements BodyStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  /** The key names the lifetime: the bucket's lifecycle rule for that prefix deletes the object, no call needed. */
  refFor(message: { messageId: MessageId; bornAt: number; keepUntil: number; bytes: number }): BodyRef {
    const days = keepDaysFor(message.bornAt, message.keepUntil);
    return { bucket: this.bucket, key: bodyKey(message.messageId, days), bytes: message.bytes };
  }

  async put(ref: BodyRef, body: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: ref.bucket,
        Key: ref.key,
        Body: body,
        // The SDK adds a CRC32 checksum that S3 checks, so a body is never kept corrupted.
        ContentType: 'text/plain; charset=utf-8',
      }),
    );
  }

  async get(ref: BodyRef): Promise<string | undefined> {
    try {
      const { Body } = await this.s3.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
      return await Body!.transformToString('utf-8');
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }
}
