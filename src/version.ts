// src/: the entry. cli.ts holds commander's definitions and loads each command lazily; nothing else lives here
// but the version. The layers below: commands/ (the CLI), ui/ (the wizard), core/ (the product). ARCHITECTURE.md.
// Replaced at build time from package.json; the fallback serves tests run from source.
declare const __VERSION__: string | undefined;
export const VERSION: string = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';
