// Minified ESM with every dependency inside (no runtime dependencies). Code splitting keeps the entry small:
// --version, verify and login never parse the wizard's Ink/React/conf chunk (900 KB cost ~45 ms to parse).
import { build } from 'esbuild';
import { readFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire, isBuiltin } from 'node:module';
import { writeNotices } from './notices.mjs';
import { COMMANDS, loadedAtStart, loadProblems } from './loadcheck.mjs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// A stub (scripts/stubs) for ajv, which conf imports at the top but builds only when given a schema, which we
// never pass (~140 KB not parsed). Ink's devtools (react-devtools-core) are cut off by ink-without-devtools.
const ajvStub = new URL('./stubs/ajv.mjs', import.meta.url);

// commander requires node:child_process when it loads (for executable subcommands, unused here): hand it a
// proxy that loads the real module on first use, so no command pays for it up front.
const lazyChildProcess = {
  name: 'lazy-child-process-for-commander',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer) ? { path: 'lazy-child-process', namespace: 'lazy' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents: "let m; module.exports = new Proxy({}, { get: (_, k) => (m ??= require('node:child_process'))[k] });",
      loader: 'js',
    }));
  },
};

// Every built-in is loaded with require (the banner's createRequire), never as an ES namespace: Node builds a
// built-in's namespace by reading every export, and on Node 22+ some of node:http's load undici (with tls, crypto,
// http2, zlib, web streams), node:util's load parse_args, diff and worker_threads, and so on. Each import of a
// built-in becomes a small ES module: `default` is the module itself, and each named export reads one property,
// marked pure so that esbuild drops every name no file uses (a CommonJS wrapper would not do: esbuild's interop
// copies every property descriptor, which on Node 22+ loads node:util's lazy exports all the same).
const builtinsViaRequire = {
  name: 'builtins-via-require',
  setup(b) {
    b.onResolve({ filter: /^(?:node:)?[a-z_]+(?:\/[a-z_]+)?$/ }, (args) => {
      if (args.namespace === 'builtin' || args.kind !== 'import-statement' || !isBuiltin(args.path)) return undefined;
      const name = args.path.startsWith('node:') ? args.path : `node:${args.path}`;
      if (name === 'node:module') return undefined; // the banner imports it anyway; its namespace costs nothing
      // One module per importer (the suffix), so it lands in its importer's chunk instead of a chunk of its own.
      const n = importers.get(args.importer) ?? importers.set(args.importer, importers.size).get(args.importer);
      return { path: name, namespace: 'builtin', suffix: `?${n}` };
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => {
      // The names this Node (the one building) exports; importing a name it lacks fails the build, as it should.
      const names = Object.getOwnPropertyNames(requireHere(args.path)).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k) && k !== 'default');
      const lines = names.map((k, i) => `const e${i} = /* @__PURE__ */ (() => m.${k})();\nexport { e${i} as ${k} };`);
      return { contents: `const m = require(${JSON.stringify(args.path)});\nexport default m;\n${lines.join('\n')}\n`, loader: 'js' };
    });
  },
};
const requireHere = createRequire(import.meta.url);
const importers = new Map();

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
    b.onResolve({ filter: /^\.\/devtools\.js$/ }, (args) =>
      /[\\/]ink[\\/]build[\\/]/.test(args.importer) ? { path: 'ink-devtools', namespace: 'empty' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export {};', loader: 'js' }));
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]utils\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const off = source.replace("const isDev = () => process.env['DEV'] === 'true';", 'const isDev = () => false;');
      if (off === source) throw new Error(`ink-without-devtools: Ink's isDev changed in ${args.path}; see scripts/build.mjs`);
      return { contents: off, loader: 'js' };
    });
  },
};

/**
 * The bundle's esbuild options (`extraPlugins` first: tests use them to change a source and watch the checks fail).
 * `widthUsers` and `segmenterUsers` fill in as the bundle patches match.
 */
export function bundleOptions({ minify = true, extraPlugins = [] } = {}) {
  return {
    plugins: [...extraPlugins, builtinsViaRequire, lazyChildProcess, fastPlainText, inkWithoutDevtools],
    entryPoints: { cli: 'src/launch.ts' },
    outdir: 'dist',
    absWorkingDir: root,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify,
    legalComments: 'none',
    metafile: true,
    alias: { 'ajv/dist/2020.js': ajvStub.pathname, 'ajv-formats': ajvStub.pathname },
    define: { 'process.env.NODE_ENV': '"production"', __VERSION__: JSON.stringify(pkg.version) },
    // `require` loads built-ins only (everything else is bundled): Node's getBuiltinModule where it has it (20.16+,
    // 22.3+), else one createRequire per chunk.
    banner: { js: "import{createRequire as __cr}from'node:module';const require=process.getBuiltinModule??__cr(import.meta.url);" },
    logLevel: 'warning',
  };
}
const root = fileURLToPath(new URL('..', import.meta.url));

/** Every rule the bundle keeps (scripts/loadcheck.mjs, the bundle patches), as sentences; empty when all hold. */
export function bundleProblems(metafile) {
  const problems = loadProblems(metafile);
  // A dependency update that moves these out of reach would only make the wizard slower, silently: say so.
  if (widthUsers.length === 0 || segmenterUsers.length === 0)
    problems.push(`fast-plain-text matched nothing (string-width: ${widthUsers.length}, Intl.Segmenter: ${segmenterUsers.length}): see scripts/build.mjs`);
  return problems;
}

async function main() {
  rmSync(new URL('../dist/', import.meta.url), { recursive: true, force: true });
  mkdirSync(new URL('../dist/', import.meta.url), { recursive: true });
  // --no-minify: readable function names and lines for a CPU profile (node --cpu-prof).
  const result = await build(bundleOptions({ minify: !process.argv.includes('--no-minify') }));
  const problems = bundleProblems(result.metafile);
  if (problems.length) {
    rmSync(new URL('../dist/', import.meta.url), { recursive: true, force: true });
    throw new Error(`the build breaks its rules:\n  ${problems.join('\n  ')}`);
  }
  // The bundled packages' licences (scripts/notices.mjs): the bundle keeps none of their files.
  const noticed = writeNotices(result.metafile, fileURLToPath(new URL('../dist/THIRD-PARTY-NOTICES.txt', import.meta.url)), pkg.name);
  if (process.argv.includes('--verbose')) {
    console.log(`notices: ${noticed.map((p) => `${p.name}@${p.version} (${p.license})`).join(', ')}`);
    console.log(`narrowWidth before: ${widthUsers.join(', ')}`);
    console.log(`PlainSegmenter in: ${segmenterUsers.join(', ')}`);
    for (const [command, imports] of Object.entries(COMMANDS))
      console.log(`${command} loads at start: ${loadedAtStart(result.metafile, 'src/cli.ts', imports).join(', ')}`);
    for (const [file, o] of Object.entries(result.metafile.outputs)) console.log(`${file}: ${(o.bytes / 1024).toFixed(0)} KiB`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
