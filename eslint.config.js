// Type-aware lint. Two architectural boundaries are enforced here (style guide point 19):
//  1. production code never imports the simulator (only the entry point and the demo harness may);
//  2. only src/main.ts touches `process`: everything else receives env, argv, streams and exit via arguments.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const simulatorImport = {
  group: ['**/simulator', '**/simulator/**'],
  message: 'Production code must not import the simulator (only src/main.ts and src/demo/ may).',
};

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', '.ci-out/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unnecessary-condition': ['error', { allowConstantLoopConditions: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts', 'src/demo/**', 'src/simulator/**', 'src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [simulatorImport] }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts', 'src/**/*.test.ts'],
    rules: {
      'no-restricted-globals': ['error', { name: 'process', message: 'Only src/main.ts touches process.' }],
      'no-restricted-properties': [
        'error',
        { object: 'process', message: 'Only src/main.ts touches process.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportDeclaration[source.value=/^(node:)?process$/]',
          message: 'Only src/main.ts imports node:process.',
        },
      ],
    },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
