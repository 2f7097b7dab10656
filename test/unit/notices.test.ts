/** Third-party notices (scripts/notices.mjs): which packages a build's metafile puts in the bundle, and their licences. */
import { expect, test } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundledPackages, noticesText } from '../../scripts/notices.mjs';

function tree(pkgs: Record<string, { pkg: object; files?: Record<string, string> }>) {
  const root = mkdtempSync(path.join(tmpdir(), 'grl-notices-'));
  for (const [dir, { pkg, files }] of Object.entries(pkgs)) {
    mkdirSync(path.join(root, dir), { recursive: true });
    writeFileSync(path.join(root, dir, 'package.json'), JSON.stringify(pkg));
    for (const [f, text] of Object.entries(files ?? {})) writeFileSync(path.join(root, dir, f), text);
  }
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

test('every package with code in an output, once, scoped and nested and plugin namespaces included; nothing that was tree-shaken away', () => {
  const t = tree({
    'node_modules/a': { pkg: { name: 'a', version: '1.0.0', license: 'MIT' }, files: { LICENSE: 'MIT text of a' } },
    'node_modules/@s/b': { pkg: { name: '@s/b', version: '2.0.0', license: 'ISC' }, files: { 'LICENSE.md': 'ISC text of b' } },
    'node_modules/a/node_modules/c': { pkg: { name: 'c', version: '0.1.0', license: 'MIT' }, files: { 'LICENSE-MIT.txt': 'MIT text of c' } },
    'node_modules/unused': { pkg: { name: 'unused', version: '1.0.0', license: 'MIT' }, files: { LICENSE: 'x' } },
  });
  try {
    const meta = {
      outputs: {
        'dist/cli.js': {
          inputs: {
            'src/cli.ts': { bytesInOutput: 10 },
            'node_modules/a/index.js': { bytesInOutput: 5 },
            'node_modules/unused/index.js': { bytesInOutput: 0 },
          },
        },
        'dist/chunks/x.js': {
          inputs: {
            'node_modules/a/lib.js': { bytesInOutput: 5 },
            'node_modules/@s/b/dist/index.js': { bytesInOutput: 5 },
            'fast-width:node_modules/a/node_modules/c/index.js': { bytesInOutput: 5 },
          },
        },
      },
    };
    const packages = bundledPackages(meta, t.root);
    expect(packages.map((p) => `${p.name}@${p.version} ${p.license}`)).toEqual(['@s/b@2.0.0 ISC', 'a@1.0.0 MIT', 'c@0.1.0 MIT']);
    const text = noticesText(packages, 'me');
    for (const s of ['MIT text of a', 'ISC text of b', 'MIT text of c', '- a 1.0.0 (MIT)']) expect(text).toContain(s);
    expect(text).not.toContain('unused');
  } finally {
    t.cleanup();
  }
});

test('a bundled package without a licence or its text stops the build, naming it', () => {
  const t = tree({
    'node_modules/nolicence': { pkg: { name: 'nolicence', version: '1.0.0' }, files: { LICENSE: 'text' } },
    'node_modules/notext': { pkg: { name: 'notext', version: '1.0.0', license: 'MIT' } },
  });
  try {
    const meta = {
      outputs: { 'dist/cli.js': { inputs: { 'node_modules/nolicence/i.js': { bytesInOutput: 1 }, 'node_modules/notext/i.js': { bytesInOutput: 1 } } } },
    };
    expect(() => bundledPackages(meta, t.root)).toThrow(/nolicence: no "license".*notext: no licence file/);
  } finally {
    t.cleanup();
  }
});
