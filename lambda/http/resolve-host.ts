// Resolves a host name to every address the system resolver gives (DNS, /etc/hosts), as a connection would see them.
import { lookup } from 'node:dns/promises';
import type { Resolve } from '../core/endpoint-rules.ts';

/**
 * A name that does not resolve, or not now, answers no address: at registration it passes (its record may come later),
 * and a call cannot connect to it.
 */
export const resolveHost: Resolve = async (host) => {
  try {
    return (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
  } catch {
    return [];
  }
};
