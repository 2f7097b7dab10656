/**
 * The build's speed rules (scripts/loadcheck.mjs, run by scripts/build.mjs): `verify` and `login` never load the
 * wizard's packages, undici or node:https at start, and no built-in is imported as an ES namespace. Checked on the
 * real bundle graph: a clean build passes, and a build with a forbidden import added to a source file fails.
 */
import { expect, test } from 'vitest';
import { build, type Metafile, type Plugin } from 'esbuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bundleOptions, bundleProblems } from '../../scripts/build.mjs';
import { loadedAtStart, loadProblems } from '../../scripts/loadcheck.mjs';

/** The real bundle's metafile (nothing written), with `extra` appended to the given source files. */
async function metafile(extra: Record<string, string> = {}): Promise<Metafile> {
  const append: Plugin = {
    name: 'append-to-source',
    setup(b) {
      b.onLoad({ filter: /[\\/]src[\\/].*\.tsx?$/ }, (args) => {
        const rel = path.relative(process.cwd(), args.path).split(path.sep).join('/');
        if (!(rel in extra)) return undefined;
        return { contents: `${readFileSync(args.path, 'utf8')}\n${extra[rel]}\n`, loader: rel.endsWith('x') ? 'tsx' : 'ts' };
      });
    },
  };
  const result = await build({ ...bundleOptions({ minify: false, extraPlugins: [append] }), write: false, logLevel: 'silent' });
  return result.metafile;
}

test('the real bundle keeps the rules; verify starts with the check chunk and no wizard chunk', async () => {
  const meta = await metafile();
  expect(bundleProblems(meta)).toEqual([]);
  const files = loadedAtStart(meta, 'src/cli.ts', ['src/commands/verifylogin.ts', 'src/commands/io.ts']);
  const inputs = files.flatMap((f) => Object.keys(meta.outputs[f]!.inputs));
  expect(inputs).toContain('src/core/verify.ts');
  expect(inputs).toContain('src/core/http.ts');
  expect(inputs.filter((i) => /node_modules[\\/](ink|react|conf)[\\/]/.test(i))).toEqual([]);
}, 60_000);

test('a forbidden import in what verify and login load fails the build, naming the command, the package and the file', async () => {
  const meta = await metafile({
    'src/commands/verifylogin.ts': "export { render as __ink } from 'ink';",
    'src/core/verify.ts': "import __https from 'node:https'; export const __agent = __https.globalAgent;",
    'src/commands/io.ts': "export { default as __conf } from 'conf';",
  });
  const problems = bundleProblems(meta).join('\n');
  for (const command of ['verify', 'login']) {
    for (const what of ['ink', 'react', 'yoga', 'conf', 'node:https'])
      expect(problems).toMatch(new RegExp(`\`${command}\` loads ${what} at start: dist/\\S+ holds`));
  }
}, 60_000);

test('an import() is not a load: a package behind a dynamic import passes', async () => {
  const meta = await metafile({ 'src/commands/verifylogin.ts': "export const __later = () => import('ink');" });
  expect(bundleProblems(meta)).toEqual([]);
}, 60_000);

test('a built-in imported as an ES namespace, undici, and a command whose chunk is gone are each reported', () => {
  const meta: Metafile = {
    inputs: {},
    outputs: {
      'dist/cli.js': {
        bytes: 1,
        inputs: { 'src/cli.ts': { bytesInOutput: 1 } },
        imports: [
          { path: 'node:http', kind: 'import-statement', external: true },
          { path: 'node:module', kind: 'import-statement', external: true },
          { path: 'dist/chunks/check.js', kind: 'dynamic-import' },
        ],
        exports: [],
        entryPoint: 'src/cli.ts',
      },
      'dist/chunks/check.js': {
        bytes: 1,
        inputs: { 'src/commands/verifylogin.ts': { bytesInOutput: 1 } },
        imports: [{ path: 'dist/chunks/shared.js', kind: 'import-statement' }],
        exports: [],
        entryPoint: 'src/commands/verifylogin.ts',
      },
      'dist/chunks/shared.js': { bytes: 1, inputs: { 'node_modules/undici/index.js': { bytesInOutput: 1 } }, imports: [], exports: [] },
    },
  };
  expect(loadProblems(meta, 'src/cli.ts', { verify: ['src/commands/verifylogin.ts'] })).toEqual([
    'dist/cli.js imports node:http as an ES namespace (scripts/build.mjs loads built-ins with require)',
    '`verify` loads undici at start: dist/chunks/shared.js holds node_modules/undici/index.js (load it with import() where it is needed)',
  ]);
  expect(() => loadProblems(meta, 'src/cli.ts', { verify: ['src/commands/gone.ts'] })).toThrow(/no output has the entry point src\/commands\/gone.ts/);
});
