import type { Metafile } from 'esbuild';
export const FORBIDDEN_AT_LOAD: Array<[string, (path: string) => boolean]>;
export const COMMANDS: Record<string, string[]>;
export function loadedAtStart(metafile: Metafile, entry: string, actionImports: string[]): string[];
export function loadProblems(metafile: Metafile, entry?: string, commands?: Record<string, string[]>): string[];
