// Signs requests to a deployed Ferry API (IAM authorisation) with SigV4, using the default AWS credential chain.
import type { SignatureV4 } from '@smithy/signature-v4';

/** A `sign` function for {@link FerryClient}: `new FerryClient({ baseUrl, sign: awsIamSigner('eu-west-1') })`. */
export function awsIamSigner(region: string): (request: Request) => Promise<Request> {
  let signer: Promise<SignatureV4> | undefined;
  return async (request) => {
    signer ??= createSigner(region);
    const url = new URL(request.url);
    const body = request.body === null ? undefined : await request.text();
    const signed = await (
      await signer
    ).sign({
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { host: url.host, ...Object.fromEntries(request.headers) },
      ...(body === undefined ? {} : { body }),
    });
    const headers = signed.headers as Record<string, string>;
    return new Request(request.url, { method: request.method, headers, ...(body === undefined ? {} : { body }) });
  };
}

/** Loaded on first use, so that a client of the local stack never loads the AWS credential chain. */
async function createSigner(region: string): Promise<SignatureV4> {
  const [{ defaultProvider }, { Hash }, { SignatureV4 }] = await Promise.all([
    import('@aws-sdk/credential-provider-node'),
    import('@smithy/hash-node'),
    import('@smithy/signature-v4'),
  ]);
  const sha256 = Hash.bind(null, 'sha256');
  return new SignatureV4({ service: 'execute-api', region, credentials: defaultProvider(), sha256 });
}
