import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'vendor/**', 'node_modules/**', 'coverage/**', 'bench/results/**', 'scratch/**', '*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setImmediate: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', performance: 'readonly', globalThis: 'readonly', queueMicrotask: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-restricted-syntax': ['error', {
        selector: "MemberExpression[property.name='length'][object.type='Identifier'][object.name=/^(fn|handler|hook|callback|middleware|listener)$/]",
        message: "Don't sniff a function's declared arity.",
      }],
    },
  },
  {
    // Libraries we instrument are types only at runtime: we never load express, koa or axios.
    files: ['core/**/*.ts', 'adapters/**/*.ts', 'sinks/**/*.ts', 'index.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: ['express', 'koa', 'axios', 'undici'].map((name) => ({ name, message: 'import type only', allowTypeImports: true })),
      }],
    },
  },
);
