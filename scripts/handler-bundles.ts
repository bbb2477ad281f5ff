// Each Lambda handler bundled as the construct bundles it from source (lib/parts/function.ts): minified ESM for
// Node 22, with its aliases and defines. `npm run build` writes these into dist/bundles/ for the package, from this
// repository's patched node_modules (patches/); `npm run bench -- bundles` measures them.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { handlerBundling, REQUIRE_BANNER, type HandlerFile } from '../lib/parts/bundling.ts';

/** Writes `outfile` and its source map beside it. */
export async function bundleHandler(handler: HandlerFile, outfile: string): Promise<void> {
  const { alias, define } = handlerBundling(handler);
  await build({
    entryPoints: [fileURLToPath(new URL(`../lambda/handlers/${handler}.ts`, import.meta.url))],
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    banner: { js: REQUIRE_BANNER },
    alias,
    define,
    sourcemap: true,
    sourcesContent: false,
    outfile,
    logLevel: 'error',
  });
}
