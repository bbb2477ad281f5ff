// Where Ferry may call out: in AWS only https to public addresses, never loopback, link-local, private, shared or the
// Lambda runtime API, as written or as resolved; the local stack also takes http on loopback.
import { describe, expect, it } from 'vitest';
import {
  refuseAddress,
  refuseEndpoint,
  refuseUrl,
  type EndpointRules,
  type Resolve,
} from '../../lambda/core/endpoint-rules.ts';

const aws: EndpointRules = { policy: 'public', runtimeApi: '127.0.0.1:9001' };
const local: EndpointRules = { policy: 'local' };

describe('endpoint rules in AWS (public policy)', () => {
  it('accepts https to a public name or a public address', () => {
    expect(refuseUrl('https://shop.example.com/check', aws)).toBeUndefined();
    expect(refuseUrl('https://93.184.215.14/check', aws)).toBeUndefined();
    expect(refuseUrl('https://[2606:4700::1111]/check', aws)).toBeUndefined();
  });

  it('refuses http, and anything else that is not https, naming the rule', () => {
    expect(refuseUrl('http://shop.example.com/check', aws)).toMatchObject({ rule: 'SCHEME', message: /https/ });
    expect(refuseUrl('ftp://shop.example.com/', aws)).toMatchObject({ rule: 'SCHEME' });
    expect(refuseUrl('not a url', aws)).toMatchObject({ rule: 'NOT_A_URL' });
    expect(refuseUrl('https://user:pass@shop.example.com/', aws)).toMatchObject({ rule: 'CREDENTIALS' });
  });

  it.each([
    ['loopback', 'https://127.0.0.1/', /loopback/],
    ['loopback, anywhere in 127/8', 'https://127.8.9.10/', /loopback/],
    ['loopback written as one number', 'https://2130706433/', /loopback/],
    ['loopback in hex', 'https://0x7f.0.0.1/', /loopback/],
    ['localhost', 'https://localhost/', /loopback/],
    ['a name under .localhost', 'https://api.localhost./', /loopback/],
    ['IPv6 loopback', 'https://[::1]/', /loopback/],
    ['the instance metadata address', 'https://169.254.169.254/latest/meta-data/', /link-local.*169\.254\.169\.254/],
    ['link-local', 'https://169.254.10.1/', /link-local/],
    ['IPv6 link-local', 'https://[fe80::1]/', /link-local/],
    ['10/8', 'https://10.0.0.5/', /private/],
    ['172.16/12', 'https://172.31.255.1/', /private/],
    ['192.168/16', 'https://192.168.1.1/', /private/],
    ['fc00::/7', 'https://[fd12:3456::1]/', /private.*fc00::\/7/],
    ['the IPv6 instance metadata address', 'https://[fd00:ec2::254]/', /private/],
    ['100.64/10 (carrier-grade NAT)', 'https://100.64.0.1/', /100\.64\.0\.0\/10/],
    ['0.0.0.0', 'https://0.0.0.0/', /unspecified/],
    ['the unspecified IPv6 address', 'https://[::]/', /unspecified/],
    ['an IPv4-mapped private address', 'https://[::ffff:10.0.0.1]/', /private/],
    ['an IPv4-mapped loopback address', 'https://[::ffff:127.0.0.1]/', /loopback/],
    ['NAT64 of a private address', 'https://[64:ff9b::a00:1]/', /special-purpose/],
    ['6to4', 'https://[2002:a00:1::]/', /special-purpose/],
    ['documentation space', 'https://192.0.2.1/', /special-purpose/],
    ['multicast', 'https://224.0.0.1/', /multicast/],
    ['broadcast', 'https://255.255.255.255/', /broadcast/],
  ])('refuses %s (%s), saying which rule', (_name, url, reason) => {
    const refusal = refuseUrl(url, aws);
    expect(refusal?.rule).toBe('ADDRESS');
    expect(refusal?.message).toMatch(reason);
  });

  it('refuses the Lambda runtime API by its host and port, whatever the scheme', () => {
    expect(refuseUrl('https://127.0.0.1:9001/2018-06-01/runtime/invocation/next', aws)).toMatchObject({
      rule: 'RUNTIME_API',
    });
    expect(refuseUrl('http://127.0.0.1:9001/', local)).toBeUndefined(); // no runtime API outside Lambda
    expect(refuseUrl('http://127.0.0.1:9001/', { ...local, runtimeApi: '127.0.0.1:9001' })).toMatchObject({
      rule: 'RUNTIME_API',
    });
  });

  it('judges resolved addresses by the same ranges', () => {
    expect(refuseAddress('93.184.215.14', aws)).toBeUndefined();
    expect(refuseAddress('2606:4700::1111', aws)).toBeUndefined();
    expect(refuseAddress('10.1.2.3', aws)?.message).toMatch(/private/);
    expect(refuseAddress('::1', aws)?.message).toMatch(/loopback/);
    expect(refuseAddress('fe80::abcd', aws)?.message).toMatch(/link-local/);
    expect(refuseAddress('not-an-address', aws)?.rule).toBe('ADDRESS');
  });
});

describe('a name that resolves inward (through an injected resolver)', () => {
  const dns: Record<string, string[]> = {
    'shop.example.com': ['93.184.215.14'],
    'internal.example.com': ['10.0.0.5'],
    'mixed.example.com': ['93.184.215.14', '169.254.169.254'],
    'v6.example.com': ['fd00::1'],
  };
  const resolve: Resolve = async (host) => dns[host] ?? [];

  it('is refused, naming the name, the address and the rule', async () => {
    expect(await refuseEndpoint('https://internal.example.com/check', aws, resolve)).toEqual({
      rule: 'ADDRESS',
      message: expect.stringMatching(/^internal\.example\.com resolves to 10\.0\.0\.5: .*private/) as string,
    });
    expect((await refuseEndpoint('https://v6.example.com/', aws, resolve))?.message).toMatch(/fd00::1.*private/);
  });

  it('is refused when any one of its addresses is inward', async () => {
    expect((await refuseEndpoint('https://mixed.example.com/', aws, resolve))?.message).toMatch(/link-local/);
  });

  it('passes when every address is public, or when it does not resolve yet (the call checks again)', async () => {
    expect(await refuseEndpoint('https://shop.example.com/check', aws, resolve)).toBeUndefined();
    expect(await refuseEndpoint('https://not-yet.example.com/check', aws, resolve)).toBeUndefined();
  });

  it('is not resolved at all when the URL is refused as written', async () => {
    const asked: string[] = [];
    const refusal = await refuseEndpoint('http://shop.example.com/', aws, async (host) => (asked.push(host), []));
    expect(refusal?.rule).toBe('SCHEME');
    expect(asked).toEqual([]);
  });
});

describe('endpoint rules of the local stack (local policy)', () => {
  it('accepts http on loopback and https anywhere', () => {
    for (const url of ['http://127.0.0.1:8080/check', 'http://localhost:8080/', 'http://[::1]:8080/']) {
      expect(refuseUrl(url, local)).toBeUndefined();
    }
    expect(refuseUrl('https://10.0.0.5/', local)).toBeUndefined();
  });

  it('refuses http to anything but loopback', () => {
    expect(refuseUrl('http://10.0.0.5/', local)).toMatchObject({ rule: 'SCHEME', message: /loopback|127\.0\.0\.1/ });
    expect(refuseUrl('http://shop.example.com/', local)).toMatchObject({ rule: 'SCHEME' });
  });
});
