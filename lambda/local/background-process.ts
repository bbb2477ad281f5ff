// The local stack's background work (stream poller + dispatcher, tick loop) in a Node process of its own, so that it
// never holds up the API's requests (in AWS they are separate functions). Settings come in the environment, as a
// Lambda function's do; its figures go to the parent, which serves them.
import { serveParent } from './child-module.ts';
import { startBackground, type Background } from './background.ts';
import { ForwardingMetrics, type MetricRecord } from './forwarded-metrics.ts';
import { createLocalServices } from './local-services.ts';

let background: Background | undefined;
const metrics = new ForwardingMetrics((records: MetricRecord[]) => parent.event({ metrics: records }));
const parent = serveParent({
  caughtUp: async () => await background?.poller.caughtUp(),
  stopPoller: async () => await background?.poller.stop(),
  startPoller: async () => background?.poller.start(),
  stop: async () => {
    await background?.stop();
    metrics.flush();
  },
});
try {
  const env = process.env;
  const { services } = createLocalServices(env, { metrics });
  background = await startBackground({
    env,
    services,
    dynamoDbEndpoint: env.AWS_ENDPOINT_URL_DYNAMODB!,
    streamArn: env.FERRY_STREAM_ARN!,
    ...(env.FERRY_DATA_DIR_ABSOLUTE ? { dataDir: env.FERRY_DATA_DIR_ABSOLUTE } : {}),
  });
  parent.ready();
} catch (error) {
  parent.failed(error);
}
