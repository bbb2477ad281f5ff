// The credentials of a Ferry Lambda function: its role's, which Lambda puts in the environment.
// The construct's bundling puts this module in place of the SDK's default chain (@aws-sdk/credential-provider-node):
// in Lambda the chain's first provider, the environment, always answers, and its others (SSO, profiles, web identity,
// containers, instance metadata) would add about 120 KB to every bundle and to every cold start's parsing.
export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';
