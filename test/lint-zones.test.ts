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

  it('allows a downward import through the index', async () => {
    const errors = await importErrors(
      'src/store/rows.ts',
      "import type { ErrorType } from '../platform/index.ts';\nexport type Probe = ErrorType;\n",
    );
    expect(errors).toEqual([]);
  });
});
