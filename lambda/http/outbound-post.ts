// One POST that Ferry sends out (a check-back or a push) and that cannot be aimed inward: the URL is checked, its
// host name resolved and every address checked, the connection goes to an address that was checked (so a DNS answer
// that changes between check and connect cannot switch it), and no redirect is followed.
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import {
  refuseAddress,
  refuseUrl,
  type EndpointRefusal,
  type EndpointRules,
  type Resolve,
} from '../core/endpoint-rules.ts';
import { resolveHost } from './resolve-host.ts';

export interface OutboundRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/** `answered` whatever the status (a 3xx included: it is not followed); `refused` before any connection was made. */
export type OutboundResult =
  | { kind: 'answered'; status: number; body: string; retryAfter?: string }
  | { kind: 'refused'; refusal: EndpointRefusal }
  | { kind: 'failed'; error: string };

/**
 * node:http, loaded when a plain-http URL is first called (the `local` endpoint policy alone allows one). An ESM import
 * of node:http makes Node 22 load undici for http's WebSocket exports at every cold start of every handler (30–40 ms
 * of CPU on the 2-core development machine; nodejs/node#57649); process.getBuiltinModule takes it as require() does.
 */
const plainHttpRequest = () => process.getBuiltinModule('node:http').request;

/** An answer larger than this is cut off as a failure: a check-back answer is a few bytes. */
const MAX_ANSWER_BYTES = 64 * 1024;

export type OutboundPost = (request: OutboundRequest) => Promise<OutboundResult>;

export function createOutboundPost(rules: EndpointRules, resolve: Resolve = resolveHost): OutboundPost {
  return async ({ url, body, headers, timeoutMs }) => {
    const refusal = refuseUrl(url, rules);
    if (refusal !== undefined) return { kind: 'refused', refusal };
    const target = new URL(url);
    const guard = pinnedLookup(rules, resolve);
    const send = target.protocol === 'https:' ? httpsRequest : plainHttpRequest();
    return new Promise<OutboundResult>((settle) => {
      const outgoing = send(
        target,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'Ferry', ...headers },
          // A literal address never reaches the lookup: refuseUrl judged it above.
          lookup: guard.lookup,
          // A connection of its own: a pooled one may have been made under other rules.
          agent: false,
          signal: AbortSignal.timeout(timeoutMs),
        },
        (answer) => readAnswer(answer).then(settle, (error: unknown) => settle(failed(error))),
      );
      outgoing.on('error', (error) =>
        settle(guard.refusal === undefined ? failed(error) : { kind: 'refused', refusal: guard.refusal }),
      );
      outgoing.end(body);
    });
  };
}

/**
 * A lookup for the connection: resolves the name with `resolve`, refuses it if any address breaks a rule (a name with
 * one inward address is not trusted for the others), and hands the connection exactly the addresses it checked.
 */
function pinnedLookup(rules: EndpointRules, resolve: Resolve): { lookup: LookupFunction; refusal?: EndpointRefusal } {
  const guard: { lookup: LookupFunction; refusal?: EndpointRefusal } = {
    lookup: (hostname, options, callback) => {
      resolve(hostname).then(
        (addresses) => {
          for (const address of addresses) {
            const refused = refuseAddress(address, rules);
            if (refused !== undefined) {
              guard.refusal = { ...refused, message: `${hostname} resolves to ${address}: ${refused.message}` };
              return callback(new Error(guard.refusal.message), '', 0);
            }
          }
          const usable = addresses.filter((address) => !options.family || isIP(address) === options.family);
          if (usable.length === 0)
            return callback(Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' }), '', 0);
          if (options.all)
            return callback(
              null,
              usable.map((address) => ({ address, family: isIP(address) })),
            );
          return callback(null, usable[0]!, isIP(usable[0]!));
        },
        (error: Error) => callback(error, '', 0),
      );
    },
  };
  return guard;
}

async function readAnswer(answer: IncomingMessage): Promise<OutboundResult> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of answer as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > MAX_ANSWER_BYTES) {
      answer.destroy();
      return { kind: 'failed', error: `the answer is larger than ${MAX_ANSWER_BYTES} bytes` };
    }
    chunks.push(chunk);
  }
  const retryAfter = answer.headers['retry-after'];
  return {
    kind: 'answered',
    status: answer.statusCode ?? 0,
    body: Buffer.concat(chunks).toString('utf8'),
    ...(retryAfter === undefined ? {} : { retryAfter }),
  };
}

const failed = (error: unknown): OutboundResult => ({
  kind: 'failed',
  error: error instanceof Error ? error.message : String(error),
});
