// Lambda's event source mapping API on 127.0.0.1, which no engine here provides, and the SQS polling those mappings do:
// the API's SDK calls are the real ones, and each mapping hands its queue's messages to a handler in this process with
// the calls Lambda makes with the function's role (read the queue's attributes at creation, receive, delete).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export interface EventSourceMapping {
  UUID: string;
  EventSourceArn: string;
  FunctionArn: string;
  BatchSize: number;
  State: 'Enabled' | 'Disabled';
}

export interface LambdaMappingsEndpoint {
  url: string;
  mappings: Map<string, EventSourceMapping>;
  /** One poll of every enabled mapping, as Lambda's pollers do: how many messages went to the handler. */
  pollOnce(): Promise<number>;
  close(): Promise<void>;
}

/**
 * `sqs`: a client with the function's role. `queueUrlOf`: the queue's URL on the local engine, from its ARN (Lambda
 * needs no URL). Only the calls Ferry makes are served; anything else is a 404.
 */
export async function startLambdaMappingsEndpoint(options: {
  sqs: SQSClient;
  queueUrlOf: (queueArn: string) => string;
  handler: (event: SQSEvent) => Promise<SQSBatchResponse>;
}): Promise<LambdaMappingsEndpoint> {
  const mappings = new Map<string, EventSourceMapping>();
  let next = 1;

  /** Lambda checks at creation that the function's role can read the queue (GetQueueAttributes). */
  async function create(input: Record<string, unknown>): Promise<EventSourceMapping> {
    const queueArn = String(input.EventSourceArn);
    await options.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: options.queueUrlOf(queueArn), AttributeNames: ['VisibilityTimeout'] }),
    );
    const mapping: EventSourceMapping = {
      UUID: `mapping-${next++}`,
      EventSourceArn: queueArn,
      FunctionArn: String(input.FunctionName),
      BatchSize: Number(input.BatchSize ?? 10),
      State: input.Enabled === false ? 'Disabled' : 'Enabled',
    };
    mappings.set(mapping.UUID, mapping);
    return mapping;
  }

  async function route(method: string, url: URL, input: Record<string, unknown>): Promise<[number, unknown]> {
    const match = /^\/2015-03-31\/event-source-mappings\/?([^/]*)$/.exec(url.pathname);
    if (match === null) return [404, { Message: 'not found' }];
    const uuid = decodeURIComponent(match[1]!);
    if (uuid === '' && method === 'GET') {
      const arn = url.searchParams.get('EventSourceArn');
      const fn = url.searchParams.get('FunctionName');
      const found = [...mappings.values()].filter(
        (m) => (arn === null || m.EventSourceArn === arn) && (fn === null || m.FunctionArn === fn),
      );
      return [200, { EventSourceMappings: found }];
    }
    if (uuid === '' && method === 'POST') return [202, await create(input)];
    const mapping = mappings.get(uuid);
    if (mapping === undefined) return [404, { Type: 'User', Message: `no mapping ${uuid}` }];
    if (method === 'PUT') {
      if (input.BatchSize !== undefined) mapping.BatchSize = Number(input.BatchSize);
      if (input.Enabled !== undefined) mapping.State = input.Enabled === false ? 'Disabled' : 'Enabled';
      return [202, mapping];
    }
    if (method === 'DELETE') {
      mappings.delete(uuid);
      return [202, mapping];
    }
    return [404, { Message: 'not found' }];
  }

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      const input = (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
      route(request.method ?? 'GET', new URL(request.url ?? '/', 'http://localhost'), input).then(
        ([status, body]) => {
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (status === 404) headers['x-amzn-errortype'] = 'ResourceNotFoundException';
          response.writeHead(status, headers).end(JSON.stringify(body));
        },
        (error: unknown) =>
          response
            .writeHead(500, { 'content-type': 'application/json', 'x-amzn-errortype': 'ServiceException' })
            .end(JSON.stringify({ Message: String(error) })),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  async function poll(mapping: EventSourceMapping): Promise<number> {
    const queueUrl = options.queueUrlOf(mapping.EventSourceArn);
    const { Messages = [] } = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(mapping.BatchSize, 10),
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return 0;
    const records = Messages.map(
      (message) =>
        ({
          messageId: message.MessageId!,
          receiptHandle: message.ReceiptHandle!,
          body: message.Body!,
          attributes: message.Attributes ?? {},
          messageAttributes: {},
          md5OfBody: message.MD5OfBody!,
          eventSource: 'aws:sqs',
          eventSourceARN: mapping.EventSourceArn,
          awsRegion: 'us-east-1',
        }) as SQSRecord,
    );
    const { batchItemFailures } = await options.handler({ Records: records });
    const failed = new Set(batchItemFailures.map((failure) => failure.itemIdentifier));
    const done = records.filter((record) => !failed.has(record.messageId));
    if (done.length > 0) {
      await options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: done.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
    }
    return records.length;
  }

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    mappings,
    async pollOnce() {
      const enabled = [...mappings.values()].filter((mapping) => mapping.State === 'Enabled');
      return (await Promise.all(enabled.map(poll))).reduce((sum, count) => sum + count, 0);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
