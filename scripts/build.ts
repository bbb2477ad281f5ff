// `npm run build`: the package's JavaScript and type declarations in dist/, beside the Lambda sources it bundles.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
execFileSync('tsc', ['-p', 'tsconfig.build.json'], { stdio: 'inherit' });
// The construct (dist/lib/ferry.js) bundles its Lambda handlers from `../lambda/handlers/*.ts` with esbuild at synth
// time, so the TypeScript sources go beside the compiled runtime; the declarations live apart, in dist/types, so that
// a user's compiler never meets these sources.
cpSync('lambda', 'dist/lambda', { recursive: true, filter: (path) => !path.endsWith('.test.ts') });
// NodejsFunction wants a lock file beside the project root it is given (dist/); npm never packs the root one.
copyFileSync('package-lock.json', 'dist/package-lock.json');
chmodSync('dist/bin/ferry.js', 0o755);
