// ESLint (flat config) with typescript-eslint's recommended rules over the TypeScript sources,
// scripts and tests. Generated code (templates-src/spec-types), fixtures, build output and the
// Python virtualenvs are left out.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['.venv/**', '.venv-checkov/**', 'node_modules/**', 'generated/**', 'build/**', '.local/**', '.tools/**', 'templates-src/spec-types/**', 'test/fixtures/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      // Parsed CloudFormation and AWS responses are untyped trees at the edges; `any` is allowed there.
      '@typescript-eslint/no-explicit-any': 'off',
      // `const { Type, ...rest } = resource` drops keys on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // Terminal colour codes (\x1b[…m) are matched and stripped on purpose.
      'no-control-regex': 'off',
    },
  },
);
