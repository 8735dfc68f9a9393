// ESLint with typescript-eslint: pure JavaScript, so `npm ci` installs it from
// the lockfile on any platform, and it understands our TypeScript.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const focusedOrSkipped = ['describe', 'it', 'test'].flatMap((object) =>
  ['only', 'skip', 'todo'].map((property) => ({
    object,
    property,
    message: 'No focused, skipped or placeholder tests on main.',
  })),
);

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'coverage/',
      'test-artifacts/',
      'bench/out/',
      '.data/',
      'editor/dist/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-properties': ['error', ...focusedOrSkipped],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // The rule language must run in the browser too (DESIGN.md: dsl/ is Node-free).
    files: ['dsl/**'],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
  },
);
