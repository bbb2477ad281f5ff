// The fauxqs SQS (and S3) emulator in a process of its own, so that its work never waits behind the API's or the
// dispatcher's (in AWS they are different machines). Settings come in the environment; its address goes back in `ready`.
import { startFauxqs } from 'fauxqs';
import { serveParent } from './child-module.ts';
import { LOOPBACK } from './dynamodb-local.ts';
import { applyFauxqsFixes } from './fauxqs-fixes.ts';

let stop: () => Promise<void> = async () => {};
const parent = serveParent({ stop: () => stop() });
try {
  await applyFauxqsFixes(LOOPBACK);
  const sqs = await startFauxqs({
    port: Number(process.env.FERRY_FAUXQS_PORT ?? 0),
    logger: false,
    dataDir: process.env.FERRY_FAUXQS_DATA_DIR || undefined,
  });
  stop = () => sqs.stop();
  parent.ready({ address: sqs.address });
} catch (error) {
  parent.failed(error);
}
