// The speed rules of the commands people script, checked on esbuild's metafile at every build (scripts/build.mjs):
// what `verify`, `login` and `status` load before they run (the entry, the chunks their action imports, and everything
// those import statically) never holds the wizard's packages (ink, react, yoga, conf), undici or node:https, and
// no output imports a built-in as an ES namespace (on Node 22+ node:http's namespace alone loads undici).
// A dynamic import() is not "at load": it costs only the run that takes that path.

/** What the commands may not load up front: [label, test on a metafile input path or an external import]. */
export const FORBIDDEN_AT_LOAD = [
  ['ink', (p) => /(^|[\\/])node_modules[\\/]ink[\\/]/.test(p)],
  ['react', (p) => /(^|[\\/])node_modules[\\/](react|react-reconciler|scheduler)[\\/]/.test(p)],
  ['yoga', (p) => /(^|[\\/])node_modules[\\/]yoga-layout[\\/]/.test(p)],
  ['conf', (p) => /(^|[\\/])node_modules[\\/](conf|atomically|env-paths)[\\/]/.test(p)],
  ['undici', (p) => /(^|[\\/])node_modules[\\/]undici[\\/]|^(builtin:)?(node:)?undici(\?\d+)?$/.test(p)],
  ['node:https', (p) => /^(builtin:)?(node:)?https(\?\d+)?$/.test(p)],
];

/** The commands checked, by the source files their action imports (src/cli.ts). */
export const COMMANDS = {
  verify: ['src/commands/verifylogin.ts', 'src/commands/io.ts'],
  login: ['src/commands/verifylogin.ts', 'src/commands/io.ts'],
  renew: ['src/commands/renew.ts', 'src/commands/io.ts'],
  status: ['src/commands/status.ts', 'src/commands/io.ts'],
};

/** The output files a command evaluates before it runs: the entry and `actionImports`, with their static imports. */
export function loadedAtStart(metafile, entry, actionImports) {
  const outputs = metafile.outputs;
  const byEntryPoint = new Map(
    Object.entries(outputs)
      .filter(([, o]) => o.entryPoint)
      .map(([file, o]) => [o.entryPoint, file]),
  );
  const roots = [entry, ...actionImports];
  const start = roots.map((source) => {
    const file = byEntryPoint.get(source);
    if (!file) throw new Error(`loadcheck: no output has the entry point ${source}: is it still imported with import() in src/cli.ts? (scripts/loadcheck.mjs)`);
    return file;
  });
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imp of outputs[file].imports) if (!imp.external && imp.kind === 'import-statement') visit(imp.path);
  };
  start.forEach(visit);
  return [...seen];
}

/** Every breach of the rules above, as sentences; empty when the build keeps them. */
export function loadProblems(metafile, entry = 'src/cli.ts', commands = COMMANDS) {
  const problems = [];
  for (const [file, output] of Object.entries(metafile.outputs)) {
    for (const imp of output.imports) {
      if (imp.external && imp.kind === 'import-statement' && /^node:/.test(imp.path) && imp.path !== 'node:module') {
        problems.push(`${file} imports ${imp.path} as an ES namespace (scripts/build.mjs loads built-ins with require)`);
      }
    }
  }
  for (const [command, actionImports] of Object.entries(commands)) {
    for (const file of loadedAtStart(metafile, entry, actionImports)) {
      const output = metafile.outputs[file];
      const reached = [
        ...Object.entries(output.inputs)
          .filter(([, use]) => use.bytesInOutput > 0)
          .map(([input]) => input),
        ...output.imports.filter((imp) => imp.external && imp.kind !== 'dynamic-import').map((imp) => imp.path),
      ];
      for (const [label, test] of FORBIDDEN_AT_LOAD) {
        const hit = reached.find(test);
        if (hit) problems.push(`\`${command}\` loads ${label} at start: ${file} holds ${hit} (load it with import() where it is needed)`);
      }
    }
  }
  return problems;
}
