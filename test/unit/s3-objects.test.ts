// Ferry's two S3 calls (lambda/aws/s3-objects.ts) against a stand-in for S3 on loopback. fauxqs's S3 runs the calls for
// real in the contract and integration tests, but it checks no signature, answers no checksum and never fails: what S3
// does there is played here. The signature is checked with the SDK's own signer (@smithy/signature-v4), as S3 checks it.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { S3BodyStore } from '../../lambda/aws/s3-body-store.ts';
import { S3Error, S3Objects, s3UrlOf } from '../../lambda/aws/s3-objects.ts';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const ENV = {
  AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
  AWS_SESSION_TOKEN: 'session-token',
};

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}
type Answer = (request: Received, response: ServerResponse) => void;

let server: Server;
let endpoint: string;
let received: Received[];
let answers: Answer[];

beforeEach(async () => {
  received = [];
  answers = [];
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const seen = {
        method: request.method!,
        url: request.url!,
        headers: request.headers,
        body: Buffer.concat(chunks),
      };
      received.push(seen);
      const answer = answers.shift() ?? ((_, res: ServerResponse) => res.writeHead(200).end());
      answer(seen, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const objects = () => new S3Objects({ region: 'eu-west-1', endpoint, env: ENV });
const s3Error =
  (status: number, code: string, message: string): Answer =>
  (_, response) =>
    response
      .writeHead(status, { 'content-type': 'application/xml' })
      .end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`);

/** The signature S3 would compute for this request, by the SDK's signer, over the headers the request says it signed. */
async function expectedSignature(request: Received): Promise<string> {
  const authorization = request.headers.authorization!;
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)![1]!.split(';');
  const amzDate = request.headers['x-amz-date'] as string;
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const url = new URL(request.url, endpoint);
  const signer = new SignatureV4({
    service: 's3',
    region: 'eu-west-1',
    credentials: { ...CREDENTIALS, sessionToken: ENV.AWS_SESSION_TOKEN },
    sha256: Hash.bind(null, 'sha256'),
    // S3 signs the path as it is sent, not encoded twice.
    uriEscapePath: false,
  });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: {},
      headers: Object.fromEntries(signedHeaders.map((name) => [name, String(request.headers[name])])),
      body: request.body,
    },
    { signingDate },
  );
  return /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))![1]!;
}

describe('S3 objects without the SDK', () => {
  it('puts a body signed as S3 checks it, with its SHA-256 for S3 to check and keep', async () => {
    const body = 'é😀 large body';
    await objects().put('bodies-bucket', 'bodies/keep-29d/01ABC', body, 'text/plain; charset=utf-8');
    const [put] = received;
    expect(put).toMatchObject({ method: 'PUT', url: '/bodies-bucket/bodies/keep-29d/01ABC' });
    expect(put!.body.toString('utf8')).toBe(body);
    const digest = createHash('sha256').update(body, 'utf8').digest();
    expect(put!.headers['x-amz-content-sha256']).toBe(digest.toString('hex'));
    expect(put!.headers['x-amz-checksum-sha256']).toBe(digest.toString('base64'));
    expect(put!.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(put!.headers['x-amz-security-token']).toBe('session-token');
    const authorization = put!.headers.authorization!;
    expect(authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request, /);
    // The payload's hash and the checksum are signed: neither can be changed on the way.
    expect(authorization).toMatch(/SignedHeaders=[^,]*x-amz-checksum-sha256;x-amz-content-sha256/);
    expect(/Signature=([0-9a-f]{64})/.exec(authorization)![1]).toBe(await expectedSignature(put!));
  });

  it('gets a body, asking for its checksum, with a signature S3 accepts', async () => {
    answers.push((_, response) => response.writeHead(200).end('whole body ✓'));
    expect(await objects().get('bodies-bucket', 'bodies/keep-29d/01ABC')).toBe('whole body ✓');
    const [get] = received;
    expect(get).toMatchObject({ method: 'GET', url: '/bodies-bucket/bodies/keep-29d/01ABC' });
    expect(get!.headers['x-amz-checksum-mode']).toBe('ENABLED');
    expect(/Signature=([0-9a-f]{64})/.exec(get!.headers.authorization!)![1]).toBe(await expectedSignature(get!));
  });

  it('checks a body against the checksum S3 answers: a changed byte is an error, not a body', async () => {
    const sent = 'the body as written';
    const checksum = createHash('sha256').update(sent).digest('base64');
    answers.push((_, response) => response.writeHead(200, { 'x-amz-checksum-sha256': checksum }).end(sent));
    answers.push((_, response) =>
      response.writeHead(200, { 'x-amz-checksum-sha256': checksum }).end('the body as wrItten'),
    );
    expect(await objects().get('b', 'k')).toBe(sent);
    await expect(objects().get('b', 'k')).rejects.toMatchObject({ name: 'ChecksumMismatch' });
  });

  it('tries a 503 SlowDown and a 500 again, and gives up with S3’s error after three attempts', async () => {
    answers.push(s3Error(503, 'SlowDown', 'Please reduce your request rate.'));
    answers.push(s3Error(500, 'InternalError', 'We encountered an internal error.'));
    await objects().put('b', 'k', 'body', 'text/plain');
    expect(received.map((r) => r.method)).toEqual(['PUT', 'PUT', 'PUT']);
    expect(received.every((r) => r.body.toString() === 'body')).toBe(true);

    received.length = 0;
    for (let attempt = 0; attempt < 3; attempt++)
      answers.push(s3Error(503, 'SlowDown', 'Please reduce your request rate.'));
    const error = await objects()
      .put('b', 'k', 'body', 'text/plain')
      .catch((caught: unknown) => caught);
    expect(received).toHaveLength(3);
    expect(error).toBeInstanceOf(S3Error);
    expect(error).toMatchObject({ name: 'SlowDown', status: 503 });
  });

  it('names S3’s error: a refused read is an error, only a missing body reads as none', async () => {
    answers.push(s3Error(403, 'AccessDenied', 'Access Denied'));
    answers.push(s3Error(404, 'NoSuchKey', 'The specified key does not exist.'));
    const bodies = new S3BodyStore(objects(), 'b');
    await expect(bodies.get({ bucket: 'b', key: 'bodies/x', bytes: 1 })).rejects.toMatchObject({
      name: 'AccessDenied',
      status: 403,
      message: 'S3 AccessDenied for s3://b/bodies/x: Access Denied',
    });
    expect(await bodies.get({ bucket: 'b', key: 'bodies/x', bytes: 1 })).toBeUndefined();
    expect(received).toHaveLength(2);
  });

  it('tries again when the connection fails before an answer', async () => {
    answers.push((request, response) => response.socket!.destroy());
    await objects().put('b', 'k', 'body', 'text/plain');
    expect(received).toHaveLength(2);
  });

  it('says so when the environment has no credentials, and sends nothing', async () => {
    const bare = new S3Objects({ region: 'eu-west-1', endpoint, env: {} });
    await expect(bare.get('b', 'k')).rejects.toThrow(/no credentials in the environment/);
    expect(received).toHaveLength(0);
  });

  it('addresses a bucket in AWS by its own host, and one at an endpoint by path', () => {
    expect(s3UrlOf({ region: 'eu-west-1' }, 'ferry-bodies', 'bodies/keep-29d/01ABC')).toBe(
      'https://ferry-bodies.s3.eu-west-1.amazonaws.com/bodies/keep-29d/01ABC',
    );
    expect(s3UrlOf({ region: 'cn-north-1' }, 'b', 'k')).toBe('https://b.s3.cn-north-1.amazonaws.com.cn/k');
    expect(s3UrlOf({ region: 'us-east-1', endpoint: 'http://localhost:4566/' }, 'b', 'bodies/a b')).toBe(
      'http://localhost:4566/b/bodies/a%20b',
    );
  });
});
