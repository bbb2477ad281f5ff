// Signs requests to a deployed Ferry API (IAM authorisation) with SigV4, using the default AWS credential chain.
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

/** A `sign` function for {@link FerryClient}: `new FerryClient({ baseUrl, sign: awsIamSigner('eu-west-1') })`. */
export function awsIamSigner(region: string): (request: Request) => Promise<Request> {
  const signer = new SignatureV4({ service: 'execute-api', region, credentials: defaultProvider(), sha256: Hash.bind(null, 'sha256') });
  return async (request) => {
    const url = new URL(request.url);
    const body = request.body === null ? undefined : await request.text();
    const signed = await signer.sign({
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { host: url.host, ...Object.fromEntries(request.headers) },
      ...(body === undefined ? {} : { body }),
    });
    return new Request(request.url, { method: request.method, headers: signed.headers as Record<string, string>, ...(body === undefined ? {} : { body }) });
  };
}
