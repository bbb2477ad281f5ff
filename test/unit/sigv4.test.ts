import { describe, expect, it, vi } from 'vitest';
import { awsIamSigner } from '../../client/sigv4.ts';

describe('SigV4 signing for a deployed API', () => {
  it('adds an execute-api signature for the region, keeping method and body', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY');
    const sign = awsIamSigner('eu-west-1');
    const signed = await sign(
      new Request('https://abc.execute-api.eu-west-1.amazonaws.com/v1/topics/orders/messages', {
        method: 'POST',
        body: '{"body":"x"}',
        headers: { 'content-type': 'application/json' },
      }),
    );
    expect(signed.method).toBe('POST');
    expect(await signed.text()).toBe('{"body":"x"}');
    expect(signed.headers.get('authorization')).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=.*host.*, Signature=[0-9a-f]{64}$/,
    );
    expect(signed.headers.get('x-amz-date')).toMatch(/^\d{8}T\d{6}Z$/);
  });
});
