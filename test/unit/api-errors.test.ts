// Errors the API answers: an AWS failure that outlasted the SDK's retries is the caller's to retry (503), not a bug.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { handleError } from '../../lambda/api/errors.ts';

function answerTo(error: Error) {
  const app = new Hono();
  app.onError(handleError);
  app.get('/', () => {
    throw error;
  });
  return app.request('/');
}

describe('API errors', () => {
  it.each([
    [
      'a throttled call',
      Object.assign(new Error('Rate exceeded'), {
        name: 'ThrottlingException',
        $fault: 'client',
        $retryable: { throttling: true },
      }),
    ],
    ['a service 500', Object.assign(new Error('Internal'), { name: 'InternalServerError', $fault: 'server' })],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
  ])('%s past the SDK retries is a 503 that says to try again, and names no ARN', async (_, error) => {
    const response = await answerTo(error);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(body.error.message).toMatch(/try again/);
  });

  it('anything else is a 500 that leaks nothing of the error', async () => {
    const response = await answerTo(new Error('arn:aws:dynamodb:eu-west-1:123456789012:table/ferry exploded'));
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('arn:');
  });
});
