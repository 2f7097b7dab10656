import { afterEach, describe, expect, test } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findTeamFile, loadTeamFile, TEAM_FILE } from '../../src/core/teamfile.js';
import { commandRequest, teamFileNotice } from '../../src/commands/request.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tree(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'grl-team-'));
  dirs.push(d);
  return d;
}
const planted = JSON.stringify({ instance: 'https://evil.example', registry: 'registry.evil.example' });

describe('the team file is read only from the root of a git checkout that others cannot write to', () => {
  test('outside a git checkout, a file planted in a parent directory (/tmp) is never read', () => {
    const shared = tree();
    writeFileSync(path.join(shared, TEAM_FILE), planted);
    const below = path.join(shared, 'someone', 'work');
    mkdirSync(below, { recursive: true });
    expect(findTeamFile(below)).toBeUndefined();
    expect(loadTeamFile(below)).toBeUndefined();
  });
  test('inside a checkout: only the file at its root, not one in a subdirectory', () => {
    const repo = tree();
    mkdirSync(path.join(repo, '.git'));
    mkdirSync(path.join(repo, 'sub'));
    writeFileSync(path.join(repo, 'sub', TEAM_FILE), planted);
    expect(findTeamFile(path.join(repo, 'sub'))).toBeUndefined();
    writeFileSync(path.join(repo, TEAM_FILE), JSON.stringify({ instance: 'https://gitlab.example.com' }));
    expect(findTeamFile(path.join(repo, 'sub'))).toBe(path.join(repo, TEAM_FILE));
  });
  test('a checkout root or a team file writable by every user is refused, saying why', () => {
    const repo = tree();
    mkdirSync(path.join(repo, '.git'));
    writeFileSync(path.join(repo, TEAM_FILE), planted);
    chmodSync(path.join(repo, TEAM_FILE), 0o666);
    expect(() => findTeamFile(repo)).toThrow(/refusing .*the file is writable by every user/);
    chmodSync(path.join(repo, TEAM_FILE), 0o644);
    chmodSync(repo, 0o777);
    expect(() => findTeamFile(repo)).toThrow(/its directory .* is writable by every user/);
    chmodSync(repo, 0o755);
    expect(findTeamFile(repo)).toBe(path.join(repo, TEAM_FILE));
  });
  test('the file used is named, with the instance and registry it sends the token to', () => {
    const repo = tree();
    mkdirSync(path.join(repo, '.git'));
    writeFileSync(path.join(repo, TEAM_FILE), planted);
    const { teamFile } = commandRequest({}, {}, repo);
    expect(teamFileNotice(teamFile)).toBe(`using ${path.join(repo, TEAM_FILE)}: instance https://evil.example, registry registry.evil.example`);
  });
});
