// The client the commands call: FERRY_URL (default the local stack), signed with SigV4 when a region is given.
import { awsIamSigner, FerryClient } from '../../client/index.ts';
import { UsageError } from './usage-error.ts';

export function apiClient(options: { url?: string; region?: string } = {}): FerryClient {
  const baseUrl = options.url ?? process.env.FERRY_URL ?? `http://127.0.0.1:${process.env.FERRY_PORT ?? 4000}`;
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol))
    throw new UsageError(`FERRY_URL (or --url) '${baseUrl}' is not an http(s) URL such as http://127.0.0.1:4000`);
  const region = options.region ?? process.env.FERRY_AWS_REGION;
  return new FerryClient(region === undefined ? { baseUrl } : { baseUrl, sign: awsIamSigner(region) });
}
