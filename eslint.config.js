// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import globals from 'globals';

const testFiles = ['**/*.test.ts', 'e2e/**/*.ts', 'test-support/**/*.ts', 'soak/**/*.test.ts'];

export default tseslint.config(
  { ignores: ['dist/', 'release/', 'test-results/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's test() and describe() return promises the runner itself awaits.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: testFiles,
    rules: {
      // Exemption 1: tests read JSON replies whose shape is what they assert; typing every reply would
      // restate the production types the assertions are there to check.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    ...jsxA11y.flatConfigs.recommended,
    languageOptions: { ...jsxA11y.flatConfigs.recommended.languageOptions, globals: { ...globals.browser } },
  },
  { files: ['renderer/src/**/*.{ts,tsx}'], ...reactHooks.configs.flat.recommended },
  {
    // The UI bundles what it imports: from the engine only the runtime-free layer (protocol/ and
    // analysis/, kept free of Node, Express and zod by mock-server/analysis/runtime-free.test.ts).
    // Types may come from anywhere, with `import type`, since they vanish in the build.
    files: ['renderer/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: 'mock-server/(?!(?:protocol|analysis)/)',
              allowTypeImports: true,
              message:
                'The renderer may import values only from mock-server/protocol/ and mock-server/analysis/ (the runtime-free layer); use `import type` for types, or move the pure code there.',
            },
            {
              regex: '^(?:zod|express|node:.*)$',
              allowTypeImports: true,
              message: 'Engine-only packages stay out of the UI bundle; use `import type` for their types.',
            },
          ],
        },
      ],
    },
  },
  { files: ['**/*.js', '**/*.cjs', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
);
