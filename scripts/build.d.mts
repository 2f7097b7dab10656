import type { BuildOptions, Metafile, Plugin } from 'esbuild';
export function bundleOptions(o?: { minify?: boolean; extraPlugins?: Plugin[] }): BuildOptions & { metafile: true };
export function bundleProblems(metafile: Metafile): string[];
