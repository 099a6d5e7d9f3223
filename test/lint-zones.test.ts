/**
 * The layering rules in eslint.config.js (no-restricted-imports zones) really fire: an upward or
 * internal-file import is reported, an import through a lower folder's index.ts is not. The code is
 * linted in memory under the path of an existing file, so the type-aware config can resolve it.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function importErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.message);
}

describe('import zones', { timeout: 120_000 }, () => {
  it('stops store/ importing extract/ (an upward import)', async () => {
    const errors = await importErrors(
      'src/store/rows.ts',
      "import type { RunSummary } from '../extract/index.ts';\nexport type Probe = RunSummary;\n",
    );
    expect(errors).toEqual([expect.stringContaining('no upward import')]);
  });

  it('stops platform/ importing anything else from src/', async () => {
    const errors = await importErrors(
      'src/platform/http.ts',
      "import type { Store } from '../store/index.ts';\nexport type Probe = Store;\n",
    );
    expect(errors).toEqual([expect.stringContaining('platform/ is the bottom layer')]);
  });

  it("stops a folder reaching into another folder's internal files", async () => {
    const errors = await importErrors(
      'src/extract/committer.ts',
      "import type { Store } from '../store/store.ts';\nexport type Probe = Store;\n",
    );
    expect(errors).toEqual([expect.stringContaining('through its index.ts')]);
  });

  it('stops store/ importing pg-store/ (the PostgreSQL store builds on store/, not the reverse)', async () => {
    const errors = await importErrors(
      'src/store/rows.ts',
      "import type { SqlClient } from '../pg-store/index.ts';\nexport type Probe = SqlClient;\n",
    );
    expect(errors).toEqual([expect.stringContaining('store/ must not import pg-store/')]);
  });

  it('stops pg-store/ importing extract/, and production code importing PGlite', async () => {
    const upward = await importErrors(
      'src/pg-store/values.ts',
      "import type { RunSummary } from '../extract/index.ts';\nexport type Probe = RunSummary;\n",
    );
    expect(upward).toEqual([expect.stringContaining('no upward import')]);
    const pglite = await importErrors(
      'src/pg-store/values.ts',
      "import type { PGlite } from '@electric-sql/pglite';\nexport type Probe = PGlite;\n",
    );
    expect(pglite).toEqual([expect.stringContaining('PGlite is a test dependency')]);
  });

  it('allows pg-store/ to build on store/ and platform/ through their indexes', async () => {
    const errors = await importErrors(
      'src/pg-store/values.ts',
      "import type { Store } from '../store/index.ts';\nimport type { Clock } from '../platform/index.ts';\nexport type Probe = [Store, Clock];\n",
    );
    expect(errors).toEqual([]);
  });

  it('allows a downward import through the index', async () => {
    const errors = await importErrors(
      'src/store/rows.ts',
      "import type { ErrorType } from '../platform/index.ts';\nexport type Probe = ErrorType;\n",
    );
    expect(errors).toEqual([]);
  });
});
