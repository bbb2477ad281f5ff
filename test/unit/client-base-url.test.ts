// The client keeps the path of its base URL, so that it reaches a REST API, whose URL ends with its stage.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FerryClient } from '../../client/index.ts';

let server: Server;
let origin: string;
const paths: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    paths.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the client base URL', () => {
  it.each([
    ['a REST API stage with a trailing slash', '/prod/', '/prod/v1/messages/m1'],
    ['a REST API stage without one', '/prod', '/prod/v1/messages/m1'],
    ['an HTTP API or the local stack (no path)', '', '/v1/messages/m1'],
    ['an HTTP API URL ending with a slash', '/', '/v1/messages/m1'],
  ])('keeps the path of %s', async (_case, basePath, expected) => {
    paths.length = 0;
    await new FerryClient({ baseUrl: `${origin}${basePath}` }).getMessage('m1');
    expect(paths).toEqual([expected]);
  });
});
