// Third-party notices for the bundle, from esbuild's metafile: every package whose code ends up in an output
// file, with its name, version, licence and the text of its licence file. The bundle drops the packages' own
// files (and legal comments), so this file is what carries their copyright and permission notices, which MIT,
// ISC and BSD ask every copy to include. Called by scripts/build.mjs (`--verbose` lists the packages).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The directory of the package that holds `file` (the nearest node_modules/<name> or node_modules/@scope/<name>). */
function packageDir(file) {
  const parts = file.split(/[\\/]/);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return undefined;
  const n = parts[at + 1]?.startsWith('@') ? 3 : 2;
  return parts.slice(0, at + n).join('/');
}

const LICENCE_FILE = /^(licen[cs]e|copying|notice)([-.][\w-]+)?(\.(md|txt|markdown))?$/i;
// A package whose tarball carries no licence file gets its project's licence from scripts/licenses/NAME.txt:
// yoga-layout's files each say "licensed under the MIT license found in the LICENSE file in the root directory
// of this source tree", and that file (github.com/facebook/yoga, LICENSE) is Meta's MIT licence, as React's.
const FALLBACK = new URL('./licenses/', import.meta.url);

/**
 * The packages bundled into the outputs of `metafile`, sorted by name then version. Each: {name, version,
 * license, text}. Throws when a package has no licence or no licence text: shipping it without its notice is
 * what this exists to prevent.
 */
export function bundledPackages(metafile, root = process.cwd()) {
  const dirs = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, use] of Object.entries(output.inputs)) {
      if (use.bytesInOutput === 0) continue; // imported, but nothing of it was kept
      const dir = packageDir(input.replace(/^[a-z][\w-]+:/i, '')); // esbuild names plugin namespaces `ns:path`
      if (dir) dirs.add(dir);
    }
  }
  const problems = [];
  const packages = [...dirs].map((dir) => {
    const abs = path.resolve(root, dir);
    const pkg = JSON.parse(readFileSync(path.join(abs, 'package.json'), 'utf8'));
    const license = typeof pkg.license === 'string' ? pkg.license : pkg.license?.type;
    const files = readdirSync(abs)
      .filter((f) => LICENCE_FILE.test(f))
      .sort();
    let text = files.map((f) => readFileSync(path.join(abs, f), 'utf8').trim()).join('\n\n');
    if (!text && existsSync(new URL(`${pkg.name}.txt`, FALLBACK))) text = readFileSync(new URL(`${pkg.name}.txt`, FALLBACK), 'utf8').trim();
    if (!license) problems.push(`${pkg.name}: no "license" in its package.json`);
    if (!text) problems.push(`${pkg.name}: no licence file in ${dir}`);
    return { name: pkg.name, version: pkg.version, license, homepage: repoUrl(pkg), text };
  });
  if (problems.length) throw new Error(`third-party notices: ${problems.join('; ')} (see scripts/notices.mjs)`);
  // One entry per name and version (a package bundled from two places is one notice).
  const unique = new Map(packages.map((p) => [`${p.name}@${p.version}`, p]));
  return [...unique.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

function repoUrl(pkg) {
  const r = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  return pkg.homepage ?? r?.replace(/^git\+/, '').replace(/\.git$/, '');
}

/** The notices file's text. */
export function noticesText(packages, self) {
  const head = [
    `${self} bundles the following third-party packages into dist/. Their licences follow, as each package ships them.`,
    '',
    ...packages.map((p) => `- ${p.name} ${p.version} (${p.license})`),
  ];
  const bodies = packages.map((p) =>
    [`${'-'.repeat(78)}`, `${p.name} ${p.version}`, `License: ${p.license}`, ...(p.homepage ? [`Source: ${p.homepage}`] : []), '', p.text].join('\n'),
  );
  return `${[...head, '', ...bodies].join('\n')}\n`;
}

/** Write `file` (dist/THIRD-PARTY-NOTICES.txt) for the build's metafile; returns the packages listed. */
export function writeNotices(metafile, file, self) {
  const packages = bundledPackages(metafile);
  writeFileSync(file, noticesText(packages, self));
  return packages;
}
