// Producer groups on the memory adapters, through the HTTP app: the signing secret is shown once and never read back,
// rotation keeps the previous secret signing for its grace, and a check URL aimed inward is refused when it is put.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../lambda/api/app.ts';
import type { Resolve } from '../../../lambda/core/endpoint-rules.ts';
import type { CheckClient } from '../../../lambda/core/ports.ts';
import { memoryFerry } from './memory-ferry.ts';

const HOUR = 3_600_000;

/** The fields these tests read from the answers. */
interface Answer {
  signingSecret?: string;
  createdAt?: string;
  previousSecretValidUntil?: string;
  error: { code: string; message: string };
}

function setUp(options: { resolve?: Resolve } = {}) {
  const signedWith: string[][] = [];
  const checkClient: CheckClient = {
    check: async (_url, _payload, { secrets }) => (signedWith.push([...secrets]), { answer: 'UNKNOWN' }),
  };
  const ferry = memoryFerry({
    env: { FERRY_TXN_CHECK_FIRST_SECONDS: '6', FERRY_TXN_CHECK_INTERVAL_SECONDS: '60' },
    checkClient,
    ...options,
  });
  const app = createApp(ferry);
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await app.request(path, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Answer };
  };
  return { ferry, call, signedWith };
}

describe('a producer group signing secret', () => {
  it('is answered once, by the PUT that creates the group, and never by GET or a later PUT', async () => {
    const { call } = setUp();
    const created = await call('PUT', '/v1/producer-groups/checkout', { checkUrl: 'https://shop.example.com/check' });
    expect(created.status).toBe(200);
    expect(created.json.signingSecret).toMatch(/^fsec_[A-Za-z0-9_-]{43}$/);
    const again = await call('PUT', '/v1/producer-groups/checkout', { checkUrl: 'https://shop.example.com/v2' });
    expect(again.json).toEqual({
      name: 'checkout',
      checkUrl: 'https://shop.example.com/v2',
      createdAt: created.json.createdAt,
    });
    const read = await call('GET', '/v1/producer-groups/checkout');
    expect(read.json).toEqual(again.json);
    expect(JSON.stringify(read.json)).not.toContain('fsec_');
  });

  it('signs every check-back; after a rotation both secrets sign until the grace ends, then only the new one', async () => {
    const { ferry, call, signedWith } = setUp();
    await ferry.admin.putTopic('order-txns', { messageType: 'TRANSACTION' });
    const first = (await call('PUT', '/v1/producer-groups/checkout', { checkUrl: 'https://shop.example.com/check' }))
      .json.signingSecret as string;
    await ferry.publisher.publish('order-txns', { body: 'order 1', producerGroup: 'checkout' });
    ferry.ports.clock.advance(6_000);
    await ferry.tick.run();
    expect(signedWith).toEqual([[first]]);

    const rotated = await call('POST', '/v1/producer-groups/checkout/secret', { graceSeconds: 3600 });
    expect(rotated.status).toBe(200);
    const second = rotated.json.signingSecret as string;
    expect(second).not.toBe(first);
    expect(rotated.json.previousSecretValidUntil).toBe(new Date(ferry.ports.clock.now() + HOUR).toISOString());
    ferry.ports.clock.advance(60_000);
    await ferry.tick.run();
    expect(signedWith.at(-1)).toEqual([second, first]);

    ferry.ports.clock.advance(HOUR);
    await ferry.tick.run();
    expect(signedWith.at(-1)).toEqual([second]);
  });

  it('rotates without a body (24 h of grace), or with graceSeconds 0 drops the previous secret at once', async () => {
    const { call } = setUp();
    await call('PUT', '/v1/producer-groups/checkout', {});
    const defaults = await call('POST', '/v1/producer-groups/checkout/secret');
    expect(defaults.status).toBe(200);
    expect(defaults.json.previousSecretValidUntil).toEqual(expect.any(String));
    const atOnce = await call('POST', '/v1/producer-groups/checkout/secret', { graceSeconds: 0 });
    expect(atOnce.json).toEqual({ name: 'checkout', signingSecret: expect.stringMatching(/^fsec_/) });
  });

  it('cannot be rotated for a producer group that does not exist, nor with a bad grace', async () => {
    const { call } = setUp();
    expect((await call('POST', '/v1/producer-groups/nobody/secret')).json.error.code).toBe('PRODUCER_GROUP_NOT_FOUND');
    await call('PUT', '/v1/producer-groups/checkout', {});
    const bad = await call('POST', '/v1/producer-groups/checkout/secret', { graceSeconds: -1 });
    expect(bad.status).toBe(400);
  });
});

describe('a check URL in AWS (the default public policy)', () => {
  const resolve: Resolve = async (host) => (host === 'internal.example.com' ? ['10.0.0.5'] : ['93.184.215.14']);

  it.each([
    ['http', 'http://shop.example.com/check', /https/],
    ['loopback', 'https://127.0.0.1/check', /loopback/],
    ['the metadata address', 'https://169.254.169.254/', /link-local/],
    [
      'a name resolving to a private address',
      'https://internal.example.com/check',
      /internal\.example\.com resolves to 10\.0\.0\.5/,
    ],
  ])(
    'is refused when it is %s, with a 400 that names the rule, and nothing is stored',
    async (_name, checkUrl, why) => {
      const { call } = setUp({ resolve });
      const answer = await call('PUT', '/v1/producer-groups/checkout', { checkUrl });
      expect(answer.status).toBe(400);
      expect(answer.json.error).toEqual({ code: 'INVALID_CHECK_URL', message: expect.stringMatching(why) as string });
      expect((await call('GET', '/v1/producer-groups/checkout')).status).toBe(404);
    },
  );
});
