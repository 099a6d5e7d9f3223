// Type-aware lint. Architectural boundaries enforced here (docs/decisions.md, D25):
//  1. production code never imports the simulator (only the entry point and the demo harness may);
//  2. only src/main.ts touches `process`: everything else receives env, argv, streams and exit via arguments;
//  3. layering: platform/ imports nothing else from src/; api/, auth/, store/, pg-store/ and retry/
//     never import extract/, observability/, app/ or cli/; store/ never imports pg-store/; a folder is
//     entered through its index.ts (files inside a folder, and that folder's tests, import each other
//     directly). test/lint-zones.test.ts checks it.
//  4. production code never imports PGlite (a devDependency the tests use).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const simulatorImport = {
  group: ['**/simulator', '**/simulator/**'],
  message: 'Production code must not import the simulator (only src/main.ts and src/demo/ may).',
};

const FOLDERS = [
  'api',
  'app',
  'auth',
  'cli',
  'config',
  'extract',
  'observability',
  'pg-store',
  'platform',
  'retry',
  'simulator',
  'store',
];
const LOW_FOLDERS = ['api', 'auth', 'store', 'pg-store', 'retry'];

/** Another src/ folder's internal file (`../store/store.ts`), not its barrel; `../../test/…` is fine. */
const throughIndex = (exception = '') => ({
  regex: `^\\.\\./(?!\\.\\.)${exception}[^/]+/(?!index\\.ts$)`,
  message: 'Import another folder through its index.ts, not its internal files.',
});
const platformOnly = {
  regex: '^\\.\\./(?!\\.\\./test/)',
  message: 'platform/ is the bottom layer: it imports nothing from the rest of src/.',
};
const noUpward = {
  regex: '^\\.\\./(extract|observability|app|cli)(/|$)',
  message:
    'api/, auth/, store/, pg-store/ and retry/ sit below extract/, observability/, app/ and cli/: no upward import.',
};
// The SQLite store is the port's home: the PostgreSQL store builds on it, never the reverse (D95).
const storeNotPg = {
  regex: '^\\.\\./pg-store(/|$)',
  message: 'store/ must not import pg-store/: the PostgreSQL store depends on store/, not the reverse.',
};
// @electric-sql/pglite is a devDependency for the tests: production code never loads it (D95).
const noPglite = {
  group: ['@electric-sql/pglite', '@electric-sql/pglite/**'],
  message: 'PGlite is a test dependency: wrap it in test/support/, never in src/.',
};

/** One block per folder: ESLint replaces (not merges) a rule's options across blocks, so each lists all. */
function importZones(folder) {
  const layering = [
    // app/ returns exit codes: it may read cli's leaf exit-codes.ts, and nothing else from cli/.
    throughIndex(folder === 'app' ? '(?!cli/exit-codes\\.ts$)' : ''),
    ...(folder === 'platform' ? [platformOnly] : []),
    ...(LOW_FOLDERS.includes(folder) ? [noUpward] : []),
    ...(folder === 'store' ? [storeNotPg] : []),
  ];
  const production = {
    files: [`src/${folder}/**/*.ts`],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns:
            folder === 'simulator' ? [...layering, noPglite] : [...layering, simulatorImport, noPglite],
        },
      ],
    },
  };
  const tests = {
    files: [`src/${folder}/**/*.test.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns: layering }] },
  };
  return [production, tests];
}

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
  ...FOLDERS.flatMap(importZones),
  {
    files: ['src/main.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^\\./[^/]+/(?!index\\.ts$)', message: 'Import a folder through its index.ts.' },
          ],
        },
      ],
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
    // The SQLite store answers the asynchronous Store port from better-sqlite3's synchronous calls
    // (D90): its methods are `async` so that a thrown error becomes a rejection, with nothing to await.
    files: ['src/store/sqlite-store.ts', 'src/store/removal-candidates.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
