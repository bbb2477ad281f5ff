// Where Ferry may send a request of its own (check-backs, later pushes): in AWS only https to a public address, so that
// no URL a user registers can aim Ferry at its own network, the instance metadata or the Lambda runtime API.
import ipaddr from 'ipaddr.js';

/**
 * `public` (AWS, the default): https only, and the host must neither name nor resolve to a loopback, link-local,
 * private, shared or otherwise non-public address. `local` (the local stack): https anywhere, and http on loopback, so
 * that a producer on the same laptop can answer.
 */
export type EndpointPolicy = 'public' | 'local';

export interface EndpointRules {
  policy: EndpointPolicy;
  /** AWS_LAMBDA_RUNTIME_API (`127.0.0.1:9001` in Lambda): its host is never a target, whatever the policy. */
  runtimeApi?: string;
}

/** Which rule refused an endpoint, and a message that names the rule. */
export interface EndpointRefusal {
  rule: 'NOT_A_URL' | 'SCHEME' | 'CREDENTIALS' | 'RUNTIME_API' | 'ADDRESS';
  message: string;
}

/** Every address a host name resolves to (as the connection would see them); none when it does not resolve. */
export type Resolve = (host: string) => Promise<string[]>;

/** What each non-public range of ipaddr.js is, in the words of the rule that refuses it. */
const RANGE_NAMES: Record<string, string> = {
  loopback: 'a loopback address (127.0.0.0/8, ::1)',
  linkLocal: 'a link-local address (169.254.0.0/16, fe80::/10; the instance metadata service is 169.254.169.254)',
  private: 'a private address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)',
  uniqueLocal: 'a private address (fc00::/7, which holds the IPv6 instance metadata address fd00:ec2::254)',
  carrierGradeNat: 'a shared address (100.64.0.0/10, carrier-grade NAT)',
  unspecified: 'an unspecified address (0.0.0.0/8, ::)',
  broadcast: 'the broadcast address',
  multicast: 'a multicast address',
};

const LOOPBACK_NAMES = /^(localhost|.*\.localhost)\.?$/i;

/** The rule a URL breaks as written (before any name is resolved), or undefined when it may be called. */
export function refuseUrl(raw: string, rules: EndpointRules): EndpointRefusal | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { rule: 'NOT_A_URL', message: `'${raw}' is not a URL` };
  }
  if (url.username !== '' || url.password !== '')
    return { rule: 'CREDENTIALS', message: 'the URL must not carry a user name or password' };
  if (isRuntimeApi(url, rules)) return { rule: 'RUNTIME_API', message: `${url.host} is the Lambda runtime API` };
  const host = bareHost(url.hostname);
  if (rules.policy === 'local') {
    if (url.protocol === 'https:') return undefined;
    if (url.protocol === 'http:' && isLoopbackHost(host)) return undefined;
    return { rule: 'SCHEME', message: 'the URL must be https://, or http:// on 127.0.0.1 or localhost' };
  }
  if (url.protocol !== 'https:') return { rule: 'SCHEME', message: 'the URL must be https://' };
  if (LOOPBACK_NAMES.test(host)) return addressRefusal(host, RANGE_NAMES.loopback!);
  return ipaddr.isValid(host) ? refuseAddress(host, rules) : undefined;
}

/**
 * The rule a resolved address breaks, or undefined when it may be connected to. (The runtime API listens on loopback,
 * which the public policy refuses as such.)
 */
export function refuseAddress(address: string, rules: EndpointRules): EndpointRefusal | undefined {
  if (rules.policy === 'local') return undefined;
  if (!ipaddr.isValid(address)) return addressRefusal(address, 'not an IP address');
  const parsed = ipaddr.parse(address);
  // An IPv4 address written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it reaches.
  const ip =
    parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()
      ? (parsed as ipaddr.IPv6).toIPv4Address()
      : parsed;
  const range = ip.range();
  // Only ordinary unicast is public: every special range (documentation, benchmarking, 6to4, Teredo, NAT64, …) is
  // refused, so a range added to ipaddr.js later is refused until it is known to be safe.
  if (range === 'unicast') return undefined;
  return addressRefusal(address, RANGE_NAMES[range] ?? `a special-purpose address (${range}), not a public one`);
}

/**
 * The rule a URL breaks as written or through any address its host resolves to. A name that does not resolve passes
 * here (its record may not exist yet); the call resolves it again and checks the address it connects to.
 */
export async function refuseEndpoint(
  raw: string,
  rules: EndpointRules,
  resolve: Resolve,
): Promise<EndpointRefusal | undefined> {
  const refusal = refuseUrl(raw, rules);
  if (refusal !== undefined || rules.policy === 'local') return refusal;
  const host = bareHost(new URL(raw).hostname);
  if (ipaddr.isValid(host)) return undefined;
  for (const address of await resolve(host)) {
    const refused = refuseAddress(address, rules);
    if (refused !== undefined) return { ...refused, message: `${host} resolves to ${address}: ${refused.message}` };
  }
  return undefined;
}

/** `[::1]` as URL.hostname writes it, without the brackets. */
const bareHost = (hostname: string) => hostname.replace(/^\[(.*)\]$/, '$1');

function isLoopbackHost(host: string): boolean {
  if (LOOPBACK_NAMES.test(host)) return true;
  return ipaddr.isValid(host) && ipaddr.process(host).range() === 'loopback';
}

/** The runtime API is plain http on a host and port; a URL reaches it when both match, whatever its scheme. */
function isRuntimeApi(url: URL, rules: EndpointRules): boolean {
  if (rules.runtimeApi === undefined || rules.runtimeApi === '') return false;
  const runtime = new URL(`http://${rules.runtimeApi}`);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return runtime.hostname === url.hostname && (runtime.port || '80') === port;
}

function addressRefusal(address: string, what: string): EndpointRefusal {
  return { rule: 'ADDRESS', message: `${address} is ${what}; in AWS Ferry calls public addresses only` };
}
