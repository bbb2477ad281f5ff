// Which push URLs a group may register: the check-back's rules as written (https; http on loopback in the local stack).
// The address rules after DNS resolution and the refusal of redirects live with the outbound call (lambda/http).
import { ValidationError } from './errors.ts';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Throws a 400 naming the rule a push URL breaks. */
export function checkPushUrl(raw: string, allowHttpLoopback: boolean): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ValidationError(`push.url '${raw}' is not a URL`, 'INVALID_PUSH_URL');
  }
  if (url.username !== '' || url.password !== '') {
    throw new ValidationError('push.url must not carry a user name or password', 'INVALID_PUSH_URL');
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && allowHttpLoopback && LOOPBACK_HOSTS.has(url.hostname)) return;
  throw new ValidationError(
    allowHttpLoopback ? 'push.url must be https://, or http:// on 127.0.0.1 or localhost' : 'push.url must be https://',
    'INVALID_PUSH_URL',
  );
}
