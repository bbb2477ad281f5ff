// The push groups' event source mappings in AWS: which Lambda calls a switch between pull and push makes.
import { LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import type { ConsumerGroup } from '../../lambda/core/model.ts';
import { LambdaPushMappings, queueArnOf } from '../../lambda/aws/lambda-push-mappings.ts';

const PUSHER = 'arn:aws:lambda:eu-west-1:123456789012:function:ferry-pusher';
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/ferry-billing';
const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:123456789012:ferry-billing';

/** No AWS account here: the client's calls are recorded and answered at the first middleware step. */
function recordingLambda(existing: string | undefined) {
  const calls: Array<{ command: string; input: Record<string, unknown> }> = [];
  const lambda = new LambdaClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  lambda.middlewareStack.add(
    (_next, context) => async (args) => {
      calls.push({ command: String(context.commandName), input: args.input as Record<string, unknown> });
      const output =
        context.commandName === 'ListEventSourceMappingsCommand'
          ? { EventSourceMappings: existing === undefined ? [] : [{ UUID: existing }] }
          : {};
      return { output: { $metadata: {}, ...output }, response: {} };
    },
    { step: 'initialize' },
  );
  return { lambda, calls };
}

const group = (push?: ConsumerGroup['push']): ConsumerGroup => ({
  name: 'billing',
  subscriptions: [{ topic: 'orders' }],
  maxDeliveryAttempts: 16,
  fifo: false,
  queueUrl: QUEUE_URL,
  deadLetterQueueUrl: `${QUEUE_URL}-dlq`,
  createdAt: '',
  updatedAt: '',
  ...(push === undefined ? {} : { push }),
});

describe('push mappings in AWS', () => {
  it('a group switched to push gets a mapping with partial batch responses and its concurrency (at least 2, Lambda’s floor)', async () => {
    const { lambda, calls } = recordingLambda(undefined);
    await new LambdaPushMappings(lambda, PUSHER).sync(
      group({ url: 'https://x', maxConcurrency: 1, timeoutSeconds: 5 }),
    );
    expect(calls.map((call) => call.command)).toEqual([
      'ListEventSourceMappingsCommand',
      'CreateEventSourceMappingCommand',
    ]);
    expect(calls[0]!.input).toEqual({ EventSourceArn: QUEUE_ARN, FunctionName: PUSHER });
    expect(calls[1]!.input).toEqual({
      EventSourceArn: QUEUE_ARN,
      FunctionName: PUSHER,
      BatchSize: 5,
      ScalingConfig: { MaximumConcurrency: 2 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      Enabled: true,
    });
  });

  it('a push group changed updates its mapping; switched back to pull, its mapping is deleted', async () => {
    const changed = recordingLambda('uuid-1');
    await new LambdaPushMappings(changed.lambda, PUSHER).sync(
      group({ url: 'https://x', maxConcurrency: 8, ratePerSecond: 4, timeoutSeconds: 10 }),
    );
    expect(changed.calls[1]).toMatchObject({
      command: 'UpdateEventSourceMappingCommand',
      // 8 pushers share 4/s: 2 s apart each, so 25 s hold 2 messages of 10 s + 2 s.
      input: { UUID: 'uuid-1', BatchSize: 2, ScalingConfig: { MaximumConcurrency: 8 } },
    });
    const pulled = recordingLambda('uuid-1');
    await new LambdaPushMappings(pulled.lambda, PUSHER).sync(group());
    expect(pulled.calls.map((call) => [call.command, call.input.UUID])).toEqual([
      ['ListEventSourceMappingsCommand', undefined],
      ['DeleteEventSourceMappingCommand', 'uuid-1'],
    ]);
  });

  it('names the queue by an ARN built from its URL, in the pusher’s partition', () => {
    expect(queueArnOf(QUEUE_URL, PUSHER)).toBe(QUEUE_ARN);
    expect(
      queueArnOf(
        'https://sqs.cn-north-1.amazonaws.com.cn/123/ferry-a.fifo',
        'arn:aws-cn:lambda:cn-north-1:123:function:p',
      ),
    ).toBe('arn:aws-cn:sqs:cn-north-1:123:ferry-a.fifo');
  });
});
