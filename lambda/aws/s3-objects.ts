// The two S3 calls Ferry makes, PutObject and GetObject, as requests signed by aws4fetch. The SDK's S3 client, with the
// XML, checksum and multi-region signing code it brings, was 165 KB of the API's bundle and of the pusher's, for two
// calls (issue 14: every bundle ≤ 500 KB).
import { createHash } from 'node:crypto';
import { AwsClient } from 'aws4fetch';

type Env = Record<string, string | undefined>;

/** One call, named as the SDK and IAM name it, for what a caller wraps around every call (the IAM test's recorder). */
export interface S3Call {
  operation: 'PutObject' | 'GetObject';
  input: { Bucket: string; Key: string };
}
export type S3CallWrapper = <T>(call: S3Call, send: () => Promise<T>) => Promise<T>;

/** An error S3 answered: `name` is S3's error code (`NoSuchKey`, `AccessDenied`, …), as the SDK names its errors. */
export class S3Error extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

export interface S3ObjectsOptions {
  region: string;
  /** An endpoint of its own (fauxqs, LocalStack): addressed path-style, since `bucket.127.0.0.1` would not resolve. */
  endpoint?: string | undefined;
  /** Read at each call: Lambda puts its role's credentials in the environment, as the SDK's `fromEnv` reads them. */
  env: Env;
}

/** Retries of a 5xx or a 429 (aws4fetch's), with backoff from 100 ms: the SDK's standard mode makes 3 attempts too. */
const RETRIES = 2;
const FIRST_RETRY_MS = 100;
/** A network failure (a reset keep-alive socket) is retried as often; aws4fetch retries only answers. */
const NETWORK_RETRIES = 2;
/** A 4 MiB body takes well under a second; the API's function stops at 29 s. */
const CALL_TIMEOUT_MS = 10_000;

export class S3Objects {
  private readonly wrappers: S3CallWrapper[] = [];
  /** Kept while the credentials stay the same: it caches the signing key of the day. */
  private signer: { credentials: string; client: AwsClient } | undefined;

  constructor(private readonly options: S3ObjectsOptions) {}

  /** Adds a wrapper around every call, outermost first. */
  use(wrapper: S3CallWrapper): void {
    this.wrappers.push(wrapper);
  }

  /**
   * S3 checks the body against its SHA-256 (the signed `x-amz-content-sha256`) and keeps the checksum, which a read
   * then checks: a body is never kept or handed on corrupted.
   */
  async put(bucket: string, key: string, body: string, contentType: string): Promise<void> {
    const digest = createHash('sha256').update(body, 'utf8').digest();
    await this.call({ operation: 'PutObject', input: { Bucket: bucket, Key: key } }, async () => {
      await this.send(bucket, key, {
        method: 'PUT',
        body,
        headers: {
          'content-type': contentType,
          'x-amz-content-sha256': digest.toString('hex'),
          'x-amz-checksum-sha256': digest.toString('base64'),
        },
      });
    });
  }

  /** The object's text (UTF-8); an S3Error named `NoSuchKey` when it is not there. */
  async get(bucket: string, key: string): Promise<string> {
    return this.call({ operation: 'GetObject', input: { Bucket: bucket, Key: key } }, async () => {
      const response = await this.send(bucket, key, { method: 'GET', headers: { 'x-amz-checksum-mode': 'ENABLED' } });
      const bytes = Buffer.from(await response.arrayBuffer());
      // Checked where S3 answers a checksum (AWS does for objects written with one; fauxqs answers none).
      const expected = response.headers.get('x-amz-checksum-sha256');
      if (expected !== null && createHash('sha256').update(bytes).digest('base64') !== expected) {
        throw new S3Error('ChecksumMismatch', 200, `the body of s3://${bucket}/${key} does not match its checksum`);
      }
      return bytes.toString('utf8');
    });
  }

  private call<T>(call: S3Call, send: () => Promise<T>): Promise<T> {
    return this.wrappers.reduceRight<() => Promise<T>>((inner, wrap) => () => wrap(call, inner), send)();
  }

  private async send(bucket: string, key: string, init: RequestInit): Promise<Response> {
    const client = this.client();
    const url = s3UrlOf(this.options, bucket, key);
    const signal = AbortSignal.timeout(CALL_TIMEOUT_MS);
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await client.fetch(url, { ...init, signal });
      } catch (error) {
        if (attempt < NETWORK_RETRIES && !signal.aborted) continue;
        throw error;
      }
      if (response.ok) return response;
      throw await errorOf(response, bucket, key);
    }
  }

  private client(): AwsClient {
    const { env, region } = this.options;
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (accessKeyId === undefined || secretAccessKey === undefined)
      throw new Error('S3: no credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)');
    const credentials = `${accessKeyId}:${secretAccessKey}:${env.AWS_SESSION_TOKEN ?? ''}`;
    if (this.signer?.credentials === credentials) return this.signer.client;
    const client = new AwsClient({
      accessKeyId,
      secretAccessKey,
      ...(env.AWS_SESSION_TOKEN === undefined ? {} : { sessionToken: env.AWS_SESSION_TOKEN }),
      service: 's3',
      region,
      retries: RETRIES,
      initRetryMs: FIRST_RETRY_MS,
    });
    this.signer = { credentials, client };
    return client;
  }
}

/** Virtual-hosted in AWS; path-style at an endpoint of its own (`bucket.127.0.0.1` would not resolve). */
export function s3UrlOf(
  { region, endpoint }: Pick<S3ObjectsOptions, 'region' | 'endpoint'>,
  bucket: string,
  key: string,
): string {
  const path = key.split('/').map(encodeURIComponent).join('/');
  if (endpoint !== undefined) return `${endpoint.replace(/\/+$/, '')}/${bucket}/${path}`;
  const domain = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://${bucket}.s3.${region}.${domain}/${path}`;
}

/** S3's error document: `<Error><Code>NoSuchKey</Code><Message>…</Message></Error>`. */
async function errorOf(response: Response, bucket: string, key: string): Promise<S3Error> {
  const text = await response.text().catch(() => '');
  const code =
    /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? (response.status === 404 ? 'NoSuchKey' : `Http${response.status}`);
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? response.statusText;
  return new S3Error(code, response.status, `S3 ${code} for s3://${bucket}/${key}: ${message}`);
}
