import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const outerLayers = [
  '**/store/**',
  '**/web/**',
  '**/cli/**',
  '**/app/**',
  '**/signer/**',
  '**/projections/**',
  '**/nats/**',
  'better-sqlite3',
  'fastify',
  '@nats-io/*',
  'pino',
  'node:fs',
  'node:net',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'test-output/**', '.tmp/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Input rules match control characters on purpose, to refuse them.
      'no-control-regex': 'off',
      'no-console': 'error',
    },
  },
  {
    // The domain decides from state and commands; it must not reach the store, the web or NATS.
    files: ['src/commands/**/*.ts', 'src/events/**/*.ts', 'src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: outerLayers,
              message: 'The domain imports nothing from the store, the web, NATS or the app layer.',
            },
          ],
        },
      ],
    },
  },
  {
    // The one script the pages load runs in the browser.
    files: ['src/web/assets/**/*.js'],
    languageOptions: {
      globals: {
        document: 'readonly',
        window: 'readonly',
        navigator: 'readonly',
        setTimeout: 'readonly',
        HTMLFormElement: 'readonly',
        Element: 'readonly',
      },
    },
  },
  {
    files: ['src/cli/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts', 'bin/**/*.js'],
    rules: { 'no-console': 'off' },
  },
);
