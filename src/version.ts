// src/: the entry. launch.ts (the bundle's entry) turns on Node's compile cache and loads cli.ts, which runs program.ts
// (commander's definitions), each command loaded lazily; version.ts holds the version. Below: commands/, ui/, core/ (ARCHITECTURE.md).
// Replaced at build time from package.json; the fallback serves tests run from source.
declare const __VERSION__: string | undefined;
export const VERSION: string = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';
