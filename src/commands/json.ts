// src/commands/: one file per CLI command: argv to the one request (request.ts), the core called through
// core/session.ts, the result printed (report.ts, json.ts, io.ts). No GitLab logic here.
import type { IO } from './io.js';

/**
 * Every `--json` output goes through here: one object on stdout, `schemaVersion` first, two-space indented.
 * Within a schema version changes are additive only (a new field, a new verdict or check id); removing or
 * renaming a field or changing its meaning is a new `schemaVersion` (and a major release). Each command's shape
 * is a JSON Schema in schemas/ (COMMAND.schema.json), and test/e2e/json-schema.test.ts validates every
 * command's real output against it: a new command with `--json` adds its schema and its row there.
 */
export const SCHEMA_VERSION = 1;

export function jsonText(value: object): string {
  const { schemaVersion: _ignored, ...rest } = value as { schemaVersion?: unknown };
  return `${JSON.stringify({ schemaVersion: SCHEMA_VERSION, ...rest }, null, 2)}\n`;
}

export function writeJson(io: Pick<IO, 'stdout'>, value: object): void {
  io.stdout.write(jsonText(value));
}
