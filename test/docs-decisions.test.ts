/**
 * Every decision a comment cites resolves inside the repository: a cited `Dn` must be a section of
 * docs/decisions.md, and citations of documents that live outside the repository (requirement codes,
 * style-guide points, sections of outside references) must not come back. README.md speaks to users without codes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const SCANNED_DIRS = ['src', 'test', 'bench'];

/** Citations of documents a reader of this repository cannot open. */
const OUTSIDE_CITATIONS: readonly { name: string; pattern: RegExp }[] = [
  { name: 'requirement-code', pattern: /\bN?FR-\d/ },
  { name: 'style-guide-point', pattern: /style\s+guide\s+point/i },
  { name: 'reference-section', pattern: /reference\s+(?:section|§)/i },
  // A bare section sign points into some outside document; RFC sections are public and fine.
  { name: 'section-sign', pattern: /(?<!RFC \d{1,5} )§\s*\d/ },
  { name: 'requirements-file', pattern: /requirements\.md/i },
  { name: 'spec-scenario', pattern: /\bspec\s+scenarios?\b/i },
];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : filesUnder(path);
    return [path];
  });
}

interface Line {
  where: string;
  text: string;
}

function scannedLines(): Line[] {
  return SCANNED_DIRS.flatMap((dir) => filesUnder(join(ROOT, dir))).flatMap((path) =>
    readFileSync(path, 'utf8')
      .split('\n')
      .map((text, index) => ({ where: `${relative(ROOT, path)}:${index + 1}`, text })),
  );
}

const decisions = readFileSync(join(ROOT, 'docs', 'decisions.md'), 'utf8');
/** Ids that have a section heading (`## Dn. Title`). */
const sectionIds = new Set(
  [...decisions.matchAll(/^#{2,3} (D\d+)\. /gm)].flatMap((match) => match.slice(1, 2)),
);
const lines = scannedLines();

describe('docs/decisions.md', () => {
  it('has the sections D1 to D11 and lists every section in its index', () => {
    for (let n = 1; n <= 11; n++) expect(sectionIds).toContain(`D${n}`);
    const index = decisions.slice(decisions.indexOf('## Index'), decisions.indexOf('## D1.'));
    const missing = [...sectionIds].filter((id) => !index.includes(`[${id}](#${id.toLowerCase()}`));
    expect(missing).toEqual([]);
  });

  it('scans a real tree', () => {
    expect(lines.length).toBeGreaterThan(1000);
    expect(lines.some((line) => line.where.startsWith('bench/'))).toBe(true);
  });
});

describe('decision citations in src/, test/ and bench/', () => {
  it('cite only ids that are sections of docs/decisions.md', () => {
    const unresolved = lines.flatMap(({ where, text }) =>
      [...text.matchAll(/\bD\d+\b/g)]
        .map((match) => match[0])
        .filter((id) => !sectionIds.has(id))
        .map((id) => `${where}: ${id}`),
    );
    expect(unresolved).toEqual([]);
  });

  it.each(OUTSIDE_CITATIONS)('contain no $name', ({ pattern }) => {
    const found = lines
      .filter((line) => pattern.test(line.text))
      .map(({ where, text }) => `${where}: ${text}`);
    expect(found).toEqual([]);
  });
});

describe('README.md', () => {
  it('speaks to users without decision or requirement codes', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme.match(/\bD\d+\b|\bN?FR-\d/g) ?? []).toEqual([]);
  });
});
