// Which local addresses listen on a TCP port, read from Linux's socket tables (/proc/net/tcp and tcp6).
import { readFileSync } from 'node:fs';

/** Socket state LISTEN in /proc/net/tcp*. */
const LISTEN = '0A';

/** `0100007F` → `127.0.0.1`: the kernel writes each 32-bit word of the address in host (little-endian) byte order. */
function decodeAddress(hex: string): string {
  const bytes = (hex.match(/.{8}/g) ?? []).flatMap((word) =>
    (word.match(/../g) ?? []).reverse().map((byte) => parseInt(byte, 16)),
  );
  if (bytes.length === 4) return bytes.join('.');
  const mappedV4 = bytes.slice(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (mappedV4) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups = [];
  for (let index = 0; index < 16; index += 2) groups.push(((bytes[index]! << 8) | bytes[index + 1]!).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** Every address listening on `port`, e.g. `127.0.0.1`, `::ffff:127.0.0.1`, `0.0.0.0` or `0:0:0:0:0:0:0:0` → `::`. */
export function listeningAddresses(port: number): string[] {
  const addresses: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (local === undefined || state !== LISTEN) continue;
      const [address, portHex] = local.split(':');
      if (parseInt(portHex ?? '', 16) === port) addresses.push(decodeAddress(address ?? ''));
    }
  }
  return addresses;
}

/** Loopback only: 127.0.0.0/8, its IPv4-mapped form, or ::1. */
export function isLoopback(address: string): boolean {
  return /^(::ffff:)?127\./.test(address) || address === '0:0:0:0:0:0:0:1' || address === '::1';
}
