// The client the commands call: FERRY_URL (default the local stack), signed with SigV4 when a region is given.
import { awsIamSigner, FerryClient } from '../../client/index.ts';
import { UsageError } from './usage-error.ts';

/** The API every command talks to: `--url`, else FERRY_URL, else the local stack on FERRY_PORT (4000). */
export function apiUrl(url?: string): string {
  return url ?? process.env.FERRY_URL ?? `http://127.0.0.1:${process.env.FERRY_PORT ?? 4000}`;
}

export function apiClient(options: { url?: string; region?: string } = {}): FerryClient {
  const baseUrl = apiUrl(options.url);
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol))
    throw new UsageError(`FERRY_URL (or --url) '${baseUrl}' is not an http(s) URL such as http://127.0.0.1:4000`);
  const region = options.region ?? process.env.FERRY_AWS_REGION;
  return new FerryClient(region === undefined ? { baseUrl } : { baseUrl, sign: awsIamSigner(region) });
}
