// Minified ESM with every dependency inside (no runtime dependencies). Code splitting keeps the entry small:
// --version, verify and login never parse the wizard's Ink/React/conf chunk (900 KB cost ~45 ms to parse).
import { build } from 'esbuild';
import { readFileSync, mkdirSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
mkdirSync(new URL('../dist/', import.meta.url), { recursive: true });
// Stubs (scripts/stubs): Ink's optional devtools, and ajv, which conf imports at the top but builds only
// when given a schema, which we never pass (~140 KB not parsed).
const stub = new URL('./stubs/react-devtools-core.mjs', import.meta.url);
const ajvStub = new URL('./stubs/ajv.mjs', import.meta.url);

for (const f of ['../dist/']) rmSync(new URL(f, import.meta.url), { recursive: true, force: true });
// commander requires node:child_process when it loads (for executable subcommands, unused here): hand it a
// proxy that loads the real module on first use, so no command pays for it up front.
const lazyChildProcess = {
  name: 'lazy-child-process-for-commander',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) => (/[\\/]commander[\\/]/.test(args.importer) ? { path: 'lazy-child-process', namespace: 'lazy' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents: "let m; module.exports = new Proxy({}, { get: (_, k) => (m ??= require('node:child_process'))[k] });",
      loader: 'js',
    }));
  },
};

const result = await build({
  plugins: [lazyChildProcess],
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  metafile: true,
  alias: { 'react-devtools-core': stub.pathname, 'ajv/dist/2020.js': ajvStub.pathname, 'ajv-formats': ajvStub.pathname },
  define: { 'process.env.NODE_ENV': '"production"', __VERSION__: JSON.stringify(pkg.version) },
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  logLevel: 'warning',
});
if (process.argv.includes('--verbose')) {
  for (const [file, o] of Object.entries(result.metafile.outputs)) console.log(`${file}: ${(o.bytes / 1024).toFixed(0)} KiB`);
}
