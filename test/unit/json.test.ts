import { expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { jsonText, SCHEMA_VERSION } from '../../src/commands/json.js';
import { VERDICTS } from '../../src/core/verdict.js';

const schema = (name: string) => JSON.parse(readFileSync(new URL(`../../schemas/${name}.schema.json`, import.meta.url), 'utf8'));

test('every --json object starts with schemaVersion 1, and a field of the same name cannot override it', () => {
  expect(SCHEMA_VERSION).toBe(1);
  const text = jsonText({ ok: true, schemaVersion: 99 });
  expect(text.endsWith('}\n')).toBe(true);
  expect(JSON.parse(text)).toEqual({ schemaVersion: 1, ok: true });
  expect(Object.keys(JSON.parse(text))).toEqual(['schemaVersion', 'ok']);
});

test('the schemas list exactly the verdicts the code has (a new verdict goes into schemas/verify.schema.json and doctor-error.schema.json)', () => {
  expect([...schema('verify').properties.verdict.enum].sort()).toEqual([...VERDICTS].sort());
  expect([...schema('doctor-error').properties.verdict.anyOf[0].enum].sort()).toEqual([...VERDICTS].sort());
});
