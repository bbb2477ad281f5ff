// ferry-mq/client: the HTTP client, its consumer loop, the SigV4 signer and the check-back signature check, for services (no CDK, no Ferry runtime).
export { FerryApiError, FerryClient, type DeliveryTime, type FerryClientOptions } from './ferry-client.ts';
export { FerryConsumer, type ConsumeOptions, type MessageHandler } from './consumer.ts';
export { awsIamSigner } from './sigv4.ts';
export type * from './contract.ts';
export { verifyFerrySignature, type VerifyOptions } from './verify-signature.ts';
