// A 5xx answer and /v1/health name no ARN, account id, queue URL or stack trace; the log keeps them. The internal
// errors here are faults the test injects into the in-memory catalog; "an engine down" is a DynamoDB endpoint on a
// loopback port that nothing listens on.
import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../lambda/api/app.ts';
import { logger } from '../../lambda/aws/logger.ts';
import { createAwsServices } from '../../lambda/aws/services.ts';
import { createMemoryPorts } from '../../lambda/memory/services.ts';
import { createServices } from '../../lambda/core/services.ts';
import { HealthProblem } from '../../lambda/core/health-problem.ts';

const ACCOUNT = '123456789012';
const SECRET_DETAIL =
  `User: arn:aws:sts::${ACCOUNT}:assumed-role/FerryApi/fn is not authorized to perform sqs:CreateQueue on ` +
  `https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/ferry-q-billing (arn:aws:sqs:eu-west-1:${ACCOUNT}:ferry-q-billing)`;

/** What must never reach a caller: ARNs, account ids, AWS or local endpoint URLs, stack frames. */
function expectNothingLeaked(text: string): void {
  expect(text).not.toMatch(/arn:aws/);
  expect(text).not.toContain(ACCOUNT);
  expect(text).not.toMatch(/https?:\/\//);
  expect(text).not.toMatch(/127\.0\.0\.1:\d+/);
  expect(text).not.toMatch(/\n\s+at |\.ts:\d+/);
}

function appFailingWith(error: Error) {
  const ports = createMemoryPorts();
  ports.catalog.listTopics = () => Promise.reject(error);
  return createApp(createServices(ports));
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

afterEach(() => vi.restoreAllMocks());

describe('errors that leak nothing', () => {
  it('a 500 from an internal error names no ARN, account, URL or stack trace, and the log has the error', async () => {
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const fault = new TypeError(SECRET_DETAIL);
    const response = await appFailingWith(fault).request('/v1/topics');
    expect(response.status).toBe(500);
    const body = await response.text();
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'INTERNAL' } });
    expectNothingLeaked(body);
    expect(logged).toHaveBeenCalledWith('unhandled error', fault);
  });

  it('a 503 from an AWS fault past the retries names none of them either', async () => {
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    const fault = Object.assign(new Error(SECRET_DETAIL), { name: 'InternalFailure', $fault: 'server' });
    const response = await appFailingWith(fault).request('/v1/topics');
    expect(response.status).toBe(503);
    expectNothingLeaked(await response.text());
  });

  it('health with DynamoDB down is a 503 that names no endpoint, and the log has the error', async () => {
    const logged = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const services = createAwsServices({
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      AWS_ENDPOINT_URL_SQS: endpoint,
    });
    const response = await createApp(services).request('/v1/health');
    expect(response.status).toBe(503);
    const body = await response.text();
    expect(JSON.parse(body)).toMatchObject({ status: 'unavailable', checks: { table: expect.any(String) } });
    expectNothingLeaked(body);
    expect(logged).toHaveBeenCalledWith('health check failed', expect.objectContaining({ check: 'table' }));
  });

  it('health says what it found itself (the tick is late) in words, which name no ARN', async () => {
    const ports = createMemoryPorts();
    ports.checks = {
      tick: () => Promise.reject(new HealthProblem('the tick has not run yet')),
      scheduler: () => Promise.reject(new Error(SECRET_DETAIL)),
    };
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const response = await createApp(createServices(ports)).request('/v1/health');
    const body = await response.text();
    expect(JSON.parse(body)).toMatchObject({ checks: { tick: 'the tick has not run yet' } });
    expectNothingLeaked(body);
  });
});
