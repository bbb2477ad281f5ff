// The chaos runner's fault middleware: calls fail at the set rate, inside the SDK's retries, before or after the real call.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClients } from '../../lambda/aws/clients.ts';
import { faultError, faultSettingsFrom, injectedFaults, injectFaults } from '../../lambda/aws/fault-injection.ts';

let server: Server;
let endpoint: string;
let requests = 0;

beforeAll(async () => {
  // A stand-in SQS endpoint that answers every call with an empty queue list.
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      requests++;
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ QueueUrls: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const client = () =>
  new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const total = () => [...injectedFaults.values()].reduce((sum, n) => sum + n, 0);
const after = () =>
  [...injectedFaults.entries()].filter(([key]) => key.startsWith('after:')).reduce((sum, [, n]) => sum + n, 0);

describe('fault injection (chaos runs only)', () => {
  it('is off unless FERRY_CHAOS_FAULT_RATE is set, and refuses a rate outside 0..1', () => {
    expect(faultSettingsFrom({})).toBeUndefined();
    expect(faultSettingsFrom({ FERRY_CHAOS_FAULT_RATE: '0.05', FERRY_CHAOS_SEED: '7' })).toEqual({
      rate: 0.05,
      seed: 7,
    });
    expect(() => faultSettingsFrom({ FERRY_CHAOS_FAULT_RATE: '5' })).toThrow(/from 0 to 1/);
  });

  it('fails every attempt at rate 1, inside the SDK retries (3 attempts); only the "after" faults reached the service', async () => {
    const sqs = client();
    injectFaults('SQS', sqs.middlewareStack, { rate: 1, seed: 3 });
    const [faultsBefore, afterBefore, requestsBefore] = [total(), after(), requests];
    await expect(sqs.send(new ListQueuesCommand({}))).rejects.toThrow(/chaos: SQS.ListQueues/);
    expect(total() - faultsBefore).toBe(3);
    expect(requests - requestsBefore).toBe(after() - afterBefore);
    sqs.destroy();
  });

  it('lets every call through at rate 0', async () => {
    const sqs = client();
    injectFaults('SQS', sqs.middlewareStack, { rate: 0, seed: 3 });
    const before = requests;
    await expect(sqs.send(new ListQueuesCommand({}))).resolves.toMatchObject({ QueueUrls: [] });
    expect(requests - before).toBe(1);
    sqs.destroy();
  });

  it('is never in the clients the Lambda handlers build, only where a caller adds it as middleware', async () => {
    // The SDK reads region and credentials from the process environment, as in Lambda.
    for (const [name, value] of Object.entries({
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'x',
    }))
      vi.stubEnv(name, value);
    const env = { AWS_ENDPOINT_URL_SQS: endpoint, FERRY_CHAOS_FAULT_RATE: '1' };
    const plain = createClients(env);
    await expect(plain.sqs.send(new ListQueuesCommand({}))).resolves.toBeDefined();
    const settings = faultSettingsFrom(env)!;
    const faulty = createClients(env, (service, stack) => injectFaults(service, stack, settings));
    await expect(faulty.sqs.send(new ListQueuesCommand({}))).rejects.toThrow(/chaos/);
    vi.unstubAllEnvs();
  });

  it('makes errors the SDK classifies as retryable: throttling, 500, timeout and connection reset', () => {
    expect(faultError('SQS', 'throttling', 'x')).toMatchObject({
      name: 'RequestThrottled',
      $retryable: { throttling: true },
    });
    expect(faultError('DynamoDB', 'throttling', 'x')).toMatchObject({ name: 'ThrottlingException' });
    expect(faultError('DynamoDB', 'server-error', 'x')).toMatchObject({
      name: 'InternalServerError',
      $metadata: { httpStatusCode: 500 },
    });
    expect(faultError('SQS', 'timeout', 'x')).toMatchObject({ name: 'TimeoutError' });
    expect(faultError('SQS', 'connection-reset', 'x')).toMatchObject({ code: 'ECONNRESET' });
  });
});
