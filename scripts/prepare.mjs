// `npm install` in this repository (the `prepare` script): apply patches/ and build dist/. An installed copy of the
// package has neither patches/ nor the sources, and nothing to do: npm 11 lists `prepare` among the scripts a user may
// allow, and this keeps it from failing there.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import process from 'node:process';

if (existsSync('patches')) {
  for (const command of ['patch-package', 'npm run build']) {
    const { status } = spawnSync(command, { stdio: 'inherit', shell: true });
    if (status !== 0) process.exit(status ?? 1);
  }
}
