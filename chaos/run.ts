// `npm run chaos`: the chaos run with its full numbers; the last line holds the figures, and the exit code says whether a promise broke.
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { mustBeZero, runChaos } from './run-chaos.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    kills: { type: 'string', default: '3' },
    'fault-rate': { type: 'string', default: '0.05' },
    seed: { type: 'string', default: '1' },
    'fifo-groups': { type: 'string', default: '50' },
  },
});

const started = new Date();
const report = await runChaos({
  messages: Number(values.messages),
  kills: Number(values.kills),
  faultRate: Number(values['fault-rate']),
  seed: Number(values.seed),
  fifoGroups: Number(values['fifo-groups']),
  log: (line) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`),
});
const f = report.figures;
const faults = Object.values(report.faultsInjected).reduce((sum, n) => sum + n, 0);
console.log(
  `\nFerry chaos run — ${started.toISOString()}, Node ${process.version}, ${cpus().length} cores, ${report.seconds} s`,
);
console.log(
  `stack SIGKILLed ${report.kills} times (and ${report.unplannedRestarts} unplanned restarts); ${faults} AWS call attempts failed by injection: ${JSON.stringify(report.faultsInjected)}`,
);
console.log(
  `check-back calls answered: ${report.checkCalls}; publishes retried after an unknown outcome: ${f.retriedPublishes} messages`,
);
console.log(
  `expected deliveries (message × matching group): ${f.expectedDeliveries}; misrouted ${f.misrouted}; transactions left undecided ${f.undecided}`,
);
for (const sample of report.lostSamples) console.log(`lost: ${sample}`);
if (report.dataDir !== undefined) console.log(`stack logs and data kept in ${report.dataDir}`);
const broken = mustBeZero(f);
console.log(
  `acknowledged ${f.acknowledged}, delivered ${f.delivered}, lost ${f.lost}, rolled-back or cancelled delivered ${f.forbiddenDelivered}, ` +
    `transactions with two outcomes ${f.twoOutcomes}, FIFO order inversions ${f.inversions}, duplicates ${f.duplicates}${broken.length > 0 ? ` — BROKEN: ${broken.join(', ')}` : ''}`,
);
process.exit(broken.length > 0 ? 1 : 0);
