/**
 * Ready to publish: publint finds nothing, `npm pack --dry-run` is clean and ships the licence, the changelog and
 * the third-party notices of every package the bundle carries; the package page leads back to the source.
 */
import { expect, test } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { publint } from 'publint';
import { ROOT } from '../helpers/cli.js';

/** The fields of package.json these tests read. */
interface Package {
  [key: string]: unknown;
  repository?: { url?: string };
  homepage?: string;
  bugs?: { url?: string };
  keywords?: string[];
}

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Package;

test('publint (strict) has nothing to say about the packed package', async () => {
  const { messages } = await publint({ pkgDir: ROOT, strict: true, pack: 'npm' });
  expect(messages).toEqual([]);
}, 60_000);

test('npm pack --dry-run: no warnings; LICENSE, README, CHANGELOG and the notices are in the tarball', () => {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  expect(r.status).toBe(0);
  expect(r.stderr).not.toMatch(/npm (warn|WARN|ERR)/);
  const files = (JSON.parse(r.stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
  for (const f of ['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json', 'bin/gitlab-registry-login.js', 'dist/cli.js', 'dist/THIRD-PARTY-NOTICES.txt'])
    expect(files).toContain(f);
});

test('the notices name every bundled package with its licence text, those the bundle is known to carry among them', () => {
  const notices = readFileSync(path.join(ROOT, 'dist', 'THIRD-PARTY-NOTICES.txt'), 'utf8');
  for (const name of ['react', 'ink', 'yoga-layout', 'commander', 'conf', 'semver', 'scheduler', 'react-reconciler']) {
    expect(notices).toMatch(new RegExp(`^- ${name.replace(/[-/]/g, '\\$&')} \\d+\\.\\d+\\.\\d+ \\((MIT|ISC)\\)$`, 'm'));
  }
  // Each entry carries a licence text: as many "License:" headers as listed packages, and every MIT/ISC grant.
  const listed = notices.match(/^- \S+ \S+ \(/gm)!.length;
  expect(notices.match(/^License: /gm)!.length).toBe(listed);
  expect(notices.match(/Permission (is hereby granted|to use, copy, modify)/g)!.length).toBeGreaterThanOrEqual(listed);
  // The list comes from the build's metafile (scripts/notices.mjs, unit-tested in test/unit/notices.test.ts).
  expect(listed).toBeGreaterThan(20);
});

test('the package page leads back to the source; the changelog links resolve to the same repository', () => {
  const repo = String(pkg.repository?.url ?? '')
    .replace(/^git\+/, '')
    .replace(/\.git$/, '');
  expect(repo).toMatch(/^https:\/\/github\.com\/[^/]+\/gitlab-registry-login$/);
  expect(pkg.homepage).toBe(`${repo}#readme`);
  expect(pkg.bugs?.url).toBe(`${repo}/issues`);
  expect(pkg.keywords).toEqual(expect.arrayContaining(['gitlab', 'docker', 'podman', 'container-registry']));
  expect(pkg.author).toBeTruthy();
  expect(pkg.license).toBe('MIT');
  expect(readFileSync(path.join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /);
  const changelog = readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8');
  expect(changelog).toMatch(/^## \[Unreleased\]$/m);
  const links = [...changelog.matchAll(/^\[([^\]]+)\]: (\S+)$/gm)];
  expect(links.map((l) => l[1])).toContain('Unreleased');
  for (const [, , url] of links) expect(url!.startsWith(`${repo}/`)).toBe(true);
  // Every version heading has its link, and only the four Keep a Changelog sections are used.
  for (const [, v] of changelog.matchAll(/^## \[([^\]]+)\]/gm)) expect(links.map((l) => l[1])).toContain(v);
  for (const [, s] of changelog.matchAll(/^### (.+)$/gm)) expect(['Added', 'Changed', 'Deprecated', 'Removed', 'Fixed', 'Security']).toContain(s);
});

test('the tarball version is the one the CLI reports', () => {
  expect(execFileSync(process.execPath, [path.join(ROOT, 'bin', 'gitlab-registry-login.js'), '--version'], { encoding: 'utf8' }).trim()).toBe(pkg.version);
});
