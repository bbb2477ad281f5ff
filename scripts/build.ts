// `npm run build`: the package's JavaScript and type declarations in dist/, and each Lambda handler's bundle.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, rmSync } from 'node:fs';
import { HANDLER_FILES } from '../lib/parts/bundling.ts';
import { bundleHandler } from './handler-bundles.ts';

rmSync('dist', { recursive: true, force: true });
execFileSync('tsc', ['-p', 'tsconfig.build.json'], { stdio: 'inherit' });
// What the local stack reads beside its compiled modules (the dashboard's page, DynamoDB Local's launcher); the
// TypeScript sources stay out: the installed construct deploys the bundles below, and tsc wrote the JavaScript.
cpSync('lambda', 'dist/lambda', { recursive: true, filter: (path) => !path.endsWith('.ts') });
chmodSync('dist/bin/ferry.js', 0o755);
// Each handler bundled here, from this repository's node_modules with its patches (patches/): the installed construct
// deploys these (lib/parts/function.ts), since npm applies no patch in a user's install.
for (const handler of HANDLER_FILES) await bundleHandler(handler, `dist/bundles/${handler}/index.mjs`);
