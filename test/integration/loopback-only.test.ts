// The local stack listens on 127.0.0.1 only: the API, fauxqs (SQS) and DynamoDB Local, in memory and persisting.
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startTestStack, type TestStack } from './harness.ts';
import { isLoopback, listeningAddresses } from './listening-addresses.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.stop());

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** The ports of everything the local stack listens on: its API and both engine pairs that global-setup started. */
function servicePorts(): Array<[string, number]> {
  return [
    ['HTTP API', portOf(stack.apiUrl)],
    ['DynamoDB Local (in memory)', portOf(inject('dynamoDbEndpoint'))],
    ['fauxqs (in memory)', portOf(inject('sqsEndpoint'))],
    ['DynamoDB Local (persistent)', portOf(inject('persistentDynamoDbEndpoint'))],
    ['fauxqs (persistent)', portOf(inject('persistentSqsEndpoint'))],
  ];
}

/** This machine's addresses other than loopback (the ones the network reaches it by). */
function externalAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((entry) => entry !== undefined && !entry.internal && entry.family === 'IPv4')
    .map((entry) => entry!.address);
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('the local stack listens on loopback only', () => {
  it.runIf(existsSync('/proc/net/tcp'))(
    'every port of the API and the engines listens on 127.0.0.1 and on no other address',
    () => {
      for (const [service, port] of servicePorts()) {
        const addresses = listeningAddresses(port);
        expect(addresses, `${service} on port ${port}`).not.toEqual([]);
        expect(
          addresses.filter((address) => !isLoopback(address)),
          `${service} on port ${port}`,
        ).toEqual([]);
      }
    },
  );

  it.runIf(externalAddresses().length > 0)(
    "nothing connects to them on this machine's network addresses, while 127.0.0.1 does",
    async () => {
      for (const [service, port] of servicePorts()) {
        expect(await connects('127.0.0.1', port), `${service} on 127.0.0.1:${port}`).toBe(true);
        for (const address of externalAddresses()) {
          expect(await connects(address, port), `${service} on ${address}:${port}`).toBe(false);
        }
      }
    },
  );
});
