import { expect, test } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// Issue #15: each source folder opens with a two-line comment saying what belongs there. Every file in a folder
// starts with that folder's two lines, word for word, so a reader lands on them from any file and they cannot drift.
const FOLDERS = ['src', 'src/core', 'src/commands', 'src/ui'];

/** The first two lines of each .ts/.tsx file directly in `folder`. */
function headers(folder: string): Map<string, string> {
  const files = readdirSync(folder).filter((f) => /\.tsx?$/.test(f));
  return new Map(files.map((f) => [f, readFileSync(path.join(folder, f), 'utf8').split('\n').slice(0, 2).join('\n')]));
}

test.each(FOLDERS)('every file in %s/ opens with the folder’s one two-line comment', (folder) => {
  const byFile = headers(folder);
  expect(byFile.size).toBeGreaterThan(0);
  for (const [file, head] of byFile) {
    expect(head, `${folder}/${file}`).toMatch(new RegExp(`^// ${folder}/: .+\\n// .+`));
  }
  const texts = new Set(byFile.values());
  expect([...texts], `${folder}/ has ${texts.size} different headers`).toHaveLength(1);
});
