import { startLocalStack } from './lambda/local/local-stack.ts';
import { FerryClient } from './lib/client.ts';
import { inParallel } from './bench/stats.ts';
const stack = await startLocalStack({ env: { FERRY_TABLE_NAME: 'dbgx', FERRY_DIRECT_DELAY_LIMIT_SECONDS: '5', FERRY_TIMER_LEAD_SECONDS: '3', FERRY_TIMER_BUCKET_SECONDS: '10', FERRY_TICK_SECONDS: '1' } });
const client = new FerryClient({ baseUrl: stack.apiUrl });
await client.putTopic('d', 'DELAY');
await client.putGroup('r', [{ topic: 'd' }]);
const due = new Map<string, number>();
await inParallel(Array.from({ length: 1000 }, (_, i) => i), 16, async (i) => {
  const deliverAt = Date.now() + 1000 + Math.round((i / 1000) * 20000);
  const { messageId } = await client.publish('d', { body: String(i), deliverAt });
  due.set(messageId, deliverAt);
});
const late: Array<[number, string]> = [];
let n = 0;
const deadline = Date.now() + 50000;
await Promise.all(Array.from({ length: 4 }, async () => {
  while (n < 1000 && Date.now() < deadline) {
    const ms = await client.receive('r', { maxMessages: 32, waitSeconds: 1 });
    const now = Date.now();
    for (const m of ms) { n++; late.push([now - due.get(m.messageId)!, m.messageId]); }
    if (ms.length) await client.ack('r', ms.map((m) => m.receiptHandle));
  }
}));
late.sort((a, b) => b[0] - a[0]);
for (const [ms, id] of late.slice(0, 4)) {
  const t = await client.getMessage(id);
  console.log(ms, new Date(due.get(id)!).toISOString(), JSON.stringify(t.events.map((e) => [e.type, e.at.slice(17)])));
}
await stack.stop();
