// The OpenAPI document lists the decision routes under a topic's path, which per-topic IAM grants are written against.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../lambda/api/app.ts';
import type { FerryServices } from '../../lambda/core/services.ts';

interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>>;
}

describe('the OpenAPI document', () => {
  it('has commit, rollback, cancel and reschedule under /v1/topics/{topic}/messages/{messageId}, each naming both parameters', async () => {
    // Documents need no services: the handlers are never called.
    const response = await createApp({} as FerryServices).request('/v1/openapi.json');
    const document = (await response.json()) as OpenApiDocument;
    for (const decision of ['commit', 'rollback', 'cancel', 'reschedule']) {
      const post = document.paths[`/v1/topics/{topic}/messages/{messageId}/${decision}`]?.post;
      expect(post?.parameters?.map((parameter) => `${parameter.in}:${parameter.name}`)).toEqual([
        'path:topic',
        'path:messageId',
      ]);
    }
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/transactions/{messageId}/commit',
        '/v1/messages/{messageId}/cancel',
        '/v1/messages/{messageId}/reschedule',
        '/v1/topics/{topic}/messages/cancel',
        '/v1/topics/{topic}/messages/reschedule',
      ]),
    );
  });
});
