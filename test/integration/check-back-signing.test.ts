// Signed check-backs on the local stack: the producer's endpoint verifies Ferry's signature (and a changed body fails),
// a rotated secret signs beside the old one during its grace, and a redirecting endpoint is a failed check-back.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyFerrySignature } from '../../client/index.ts';
import { startTestStack, type TestStack } from './harness.ts';

interface Call {
  path: string;
  messageId: string;
  body: string;
  signature: string;
}

let stack: TestStack;
let server: Server;
let base: string;
const calls: Call[] = [];
/** The secrets the producer holds: it commits a check-back only if one of them verifies the signature. */
let producerSecrets: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const signature = String(request.headers['ferry-signature'] ?? '');
      calls.push({
        path: request.url ?? '',
        messageId: (JSON.parse(body) as { messageId: string }).messageId,
        body,
        signature,
      });
      if (request.url === '/redirect') return response.writeHead(307, { location: `${base}/check` }).end();
      const verified = verifyFerrySignature(body, signature, producerSecrets);
      response.end(JSON.stringify({ status: verified ? 'COMMIT' : 'UNKNOWN' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stack = await startTestStack({
    env: {
      FERRY_TXN_CHECK_FIRST_SECONDS: '1',
      FERRY_TXN_CHECK_INTERVAL_SECONDS: '1',
      FERRY_TXN_CHECK_MAX: '30',
      FERRY_TXN_CHECK_TIMEOUT_SECONDS: '2',
    },
  });
  await stack.client.putTopic('orders', 'TRANSACTION');
});
afterAll(async () => {
  await stack?.stop();
  server?.closeAllConnections();
  server?.close();
});

// The typed client, as a producer uses it: the secret is in the PUT's answer type.
const putProducerGroup = (name: string, checkUrl: string) => stack.client.putProducerGroup(name, { checkUrl });

async function untilCheckedBack(messageId: string, count = 1): Promise<Call[]> {
  for (;;) {
    const mine = calls.filter((call) => call.messageId === messageId);
    if (mine.length >= count) return mine;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stateOf(messageId: string): Promise<string> {
  return (await stack.client.getMessage(messageId)).state;
}

describe('signed check-backs', () => {
  it("the producer's endpoint verifies the signature and commits; the same signature over a changed body fails", async () => {
    const { signingSecret } = await putProducerGroup('checkout', `${base}/check`);
    producerSecrets = [signingSecret!];
    const { messageId } = await stack.client.publish('orders', { body: 'order 42', producerGroup: 'checkout' });
    const [call] = await untilCheckedBack(messageId);
    expect(call!.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyFerrySignature(call!.body, call!.signature, signingSecret!)).toBe(true);
    expect(verifyFerrySignature(call!.body.replace('order', 'other'), call!.signature, signingSecret!)).toBe(false);
    expect(verifyFerrySignature(call!.body.replace(messageId, 'X'), call!.signature, signingSecret!)).toBe(false);
    await expect.poll(() => stateOf(messageId), { timeout: 10_000 }).toBe('READY');
  });

  it('a check-back signed with a secret the producer does not hold is not trusted, and decides nothing', async () => {
    const { signingSecret } = await putProducerGroup('elsewhere', `${base}/check`);
    producerSecrets = ['fsec_someone_else'];
    const { messageId } = await stack.client.publish('orders', { body: 'order 43', producerGroup: 'elsewhere' });
    const [call] = await untilCheckedBack(messageId);
    expect(verifyFerrySignature(call!.body, call!.signature, signingSecret!)).toBe(true);
    expect(await stateOf(messageId)).toBe('PREPARED');
  });

  it('after a rotation a check-back carries both signatures, so a producer holding either secret verifies it', async () => {
    const { signingSecret: old } = await putProducerGroup('rotating', `${base}/check`);
    const rotated = await stack.client.rotateProducerSecret('rotating', { graceSeconds: 600 });
    expect(rotated.signingSecret).not.toBe(old);
    expect(Date.parse(rotated.previousSecretValidUntil!)).toBeGreaterThan(Date.now() + 590_000);
    producerSecrets = [rotated.signingSecret];
    const { messageId } = await stack.client.publish('orders', { body: 'order 44', producerGroup: 'rotating' });
    const [call] = await untilCheckedBack(messageId);
    expect(call!.signature.match(/v1=/g)).toHaveLength(2);
    expect(verifyFerrySignature(call!.body, call!.signature, old!)).toBe(true);
    expect(verifyFerrySignature(call!.body, call!.signature, rotated.signingSecret)).toBe(true);
    await expect.poll(() => stateOf(messageId), { timeout: 10_000 }).toBe('READY');
    // The secret is in the answer to the rotation only: a read shows none.
    const read = await stack.client.call<Record<string, unknown>>('GET', '/v1/producer-groups/rotating');
    expect(JSON.stringify(read)).not.toMatch(/fsec_/);
  });

  it('a redirecting endpoint is a failed check-back: the redirect is not followed and nothing is decided', async () => {
    const { signingSecret } = await putProducerGroup('redirector', `${base}/redirect`);
    producerSecrets = [signingSecret!];
    const { messageId } = await stack.client.publish('orders', { body: 'order 45', producerGroup: 'redirector' });
    await untilCheckedBack(messageId, 2);
    const mine = calls.filter((call) => call.messageId === messageId);
    // Were the 307 followed, /check would have been called and would have committed.
    expect(mine.map((call) => call.path)).toEqual(mine.map(() => '/redirect'));
    await expect
      .poll(async () => (await stack.client.getMessage(messageId)).events.some((event) => event.type === 'CHECKED'))
      .toBe(true);
    const view = await stack.client.getMessage(messageId);
    expect(view.state).toBe('PREPARED');
    expect(view.events.filter((event) => event.type === 'CHECKED').map((event) => event.detail?.answer)).not.toContain(
      'COMMIT',
    );
  });
});
