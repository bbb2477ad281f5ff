// Lint: recommended JS and type-aware TypeScript rules; generated and installed files are skipped.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.ferry/', 'coverage/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // zod's own namespace object (`z`, as zod and @hono/zod-openapi export it) keeps all of zod in a bundle, its 40 locales
  // included: the API's schemas take zod from lambda/api/zod.ts, as a namespace that esbuild can shake.
  {
    files: ['lambda/**/*.ts'],
    ignores: ['lambda/api/zod.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        ...['zod', '@hono/zod-openapi'].map((name) => ({
          name,
          importNames: ['z', 'default'],
          allowTypeImports: true,
          message: "import * as z from 'lambda/api/zod.ts' instead: zod's `z` object keeps all of zod in a bundle.",
        })),
      ],
    },
  },
  // The dashboard's page scripts run in the browser, as they are (no build step).
  { files: ['lambda/dashboard/static/**/*.js'], languageOptions: { globals: globals.browser } },
);
