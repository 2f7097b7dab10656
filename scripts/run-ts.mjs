// Run a TypeScript file (bench/*.ts) by bundling it with esbuild first; dependencies stay external.
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [entry, ...rest] = process.argv.slice(2);
const dir = mkdtempSync(path.join(tmpdir(), 'grl-run-'));
const outfile = path.join(dir, 'main.mjs');
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
  absWorkingDir: process.cwd(),
  nodePaths: [path.resolve('node_modules')],
});
process.argv = [process.argv[0], entry, ...rest];
try {
  await import(pathToFileURL(outfile).href);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
