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
  // The dashboard's page scripts run in the browser, as they are (no build step).
  { files: ['lambda/dashboard/static/**/*.js'], languageOptions: { globals: globals.browser } },
);
