// Minified ESM with every dependency inside (no runtime dependencies). Code splitting keeps the entry small:
// --version, verify and login never parse the wizard's Ink/React/conf chunk (900 KB cost ~45 ms to parse).
import { build } from 'esbuild';
import { readFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeNotices } from './notices.mjs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
mkdirSync(new URL('../dist/', import.meta.url), { recursive: true });
// A stub (scripts/stubs) for ajv, which conf imports at the top but builds only when given a schema, which we
// never pass (~140 KB not parsed). Ink's devtools (react-devtools-core) are cut off by ink-without-devtools.
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

// src/ui/plaintext.ts answers the wizard's plain text before Unicode's start-up costs are paid (~35 ms of the
// first frame): every string-width Ink bundles (its own and wrap-ansi's older copy) asks `narrowWidth` first,
// and the dependencies that segment graphemes get `PlainSegmenter`, which makes the real Intl.Segmenter only
// for text that needs it.
const plainText = fileURLToPath(new URL('../src/ui/plaintext.ts', import.meta.url));
const fastPlainText = {
  name: 'fast-plain-text',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.namespace === 'fast-width') return undefined;
      const real = await b.resolve('string-width', { resolveDir: args.resolveDir, kind: args.kind, namespace: 'fast-width' });
      if (real.errors.length) return { errors: real.errors };
      return { path: real.path, namespace: 'fast-width' };
    });
    b.onLoad({ filter: /.*/, namespace: 'fast-width' }, (args) => {
      const pkgFile = path.join(path.dirname(args.path), 'package.json');
      const before8 = Number(JSON.parse(readFileSync(pkgFile, 'utf8')).version.split('.')[0]) < 8;
      widthUsers.push(path.relative(process.cwd(), args.path));
      return {
        // string-width itself is required, not imported: esbuild then evaluates it on first need, and only then
        // builds its `\p{RGI_Emoji}` regex (~15 ms even unused).
        contents: `import { narrowWidth } from ${JSON.stringify(plainText)}; let real;
export default function stringWidth(text, options) { const w = narrowWidth(text, options, ${before8}); return w === undefined ? (real ??= require(${JSON.stringify(args.path)}).default)(text, options) : w; }`,
        loader: 'js',
        resolveDir: path.dirname(plainText),
      };
    });
    b.onLoad({ filter: /[\\/]node_modules[\\/].*\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('new Intl.Segmenter(')) return undefined;
      segmenterUsers.push(path.relative(process.cwd(), args.path));
      return {
        contents: `import { PlainSegmenter as __PlainSegmenter } from ${JSON.stringify(plainText)};\n${source.replaceAll('new Intl.Segmenter(', 'new __PlainSegmenter(')}`,
        loader: 'js',
        resolveDir: path.dirname(args.path),
      };
    });
  },
};
const segmenterUsers = [];
const widthUsers = [];

// Ink connects to React DevTools when the environment has DEV=true, a name many shells set for their own
// reasons: it would import react-devtools-core and ws and read a package.json beside its own file, and crash.
// The wizard never does that: Ink's DEV switch is off and its devtools module is empty.
const inkWithoutDevtools = {
  name: 'ink-without-devtools',
  setup(b) {
    b.onResolve({ filter: /^\.\/devtools\.js$/ }, (args) => (/[\\/]ink[\\/]build[\\/]/.test(args.importer) ? { path: 'ink-devtools', namespace: 'empty' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export {};', loader: 'js' }));
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]utils\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const off = source.replace("const isDev = () => process.env['DEV'] === 'true';", 'const isDev = () => false;');
      if (off === source) throw new Error(`ink-without-devtools: Ink's isDev changed in ${args.path}; see scripts/build.mjs`);
      return { contents: off, loader: 'js' };
    });
  },
};

const result = await build({
  plugins: [lazyChildProcess, fastPlainText, inkWithoutDevtools],
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // --no-minify: readable function names and lines for a CPU profile (node --cpu-prof).
  minify: !process.argv.includes('--no-minify'),
  legalComments: 'none',
  metafile: true,
  alias: { 'ajv/dist/2020.js': ajvStub.pathname, 'ajv-formats': ajvStub.pathname },
  define: { 'process.env.NODE_ENV': '"production"', __VERSION__: JSON.stringify(pkg.version) },
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  logLevel: 'warning',
});
// A dependency update that moves these out of reach would only make the wizard slower, silently: say so.
if (widthUsers.length === 0 || segmenterUsers.length === 0) throw new Error(`fast-plain-text matched nothing (string-width: ${widthUsers.length}, Intl.Segmenter: ${segmenterUsers.length}): see scripts/build.mjs`);
// The bundled packages' licences (scripts/notices.mjs): the bundle keeps none of their files.
const noticed = writeNotices(result.metafile, fileURLToPath(new URL('../dist/THIRD-PARTY-NOTICES.txt', import.meta.url)), pkg.name);
if (process.argv.includes('--verbose')) {
  console.log(`notices: ${noticed.map((p) => `${p.name}@${p.version} (${p.license})`).join(', ')}`);
  console.log(`narrowWidth before: ${widthUsers.join(', ')}`);
  console.log(`PlainSegmenter in: ${segmenterUsers.join(', ')}`);
  for (const [file, o] of Object.entries(result.metafile.outputs)) console.log(`${file}: ${(o.bytes / 1024).toFixed(0)} KiB`);
}
