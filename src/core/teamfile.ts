// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/**
 * `.gitlab-registry-login.json`, committed at a repository's root by a team, so a newcomer is asked only
 * for what it leaves open (usually just the token). Validated strictly; secrets are refused.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ACCESS_LEVELS, CREDENTIAL_TYPES, pick, type Access, type CredentialType } from './choices.js';
import { InputError } from './errors.js';
import { gitlabBase, parseGitlabUrl, parseProject, parseRegistry } from './hosts.js';

export const TEAM_FILE = '.gitlab-registry-login.json';
const KEYS = ['instance', 'registry', 'project', 'type', 'access'] as const;

export interface TeamFile {
  file: string;
  instance?: string;
  registry?: string;
  project?: string;
  type?: CredentialType;
  access?: Access;
}

/** The root of the git checkout containing `cwd` (the directory holding `.git`), if any. */
export function checkoutRoot(cwd: string): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    if (statSync(path.join(dir, '.git'), { throwIfNoEntry: false })) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The team file of the git checkout containing `cwd`: only at the checkout's root, never outside a checkout (a file
 * planted in a shared directory such as /tmp would otherwise send the token of anyone below it to the planter's
 * instance), and never one that other users can change (as git's safe.directory: owned by this user or root, and
 * neither the file nor the root writable by others). Such a file is refused, not silently used.
 */
export function findTeamFile(cwd: string): string | undefined {
  const root = checkoutRoot(cwd);
  if (!root) return undefined;
  const file = path.join(root, TEAM_FILE);
  const st = statSync(file, { throwIfNoEntry: false });
  if (!st?.isFile()) return undefined;
  const rootSt = statSync(root);
  const uid = process.getuid?.();
  for (const [what, s] of [
    ['the file', st],
    [`its directory ${root}`, rootSt],
  ] as const) {
    if ((s.mode & 0o002) !== 0 || (uid !== undefined && s.uid !== uid && s.uid !== 0)) {
      throw new InputError(
        `refusing ${file}: ${what} ${(s.mode & 0o002) !== 0 ? 'is writable by every user' : 'belongs to another user'}, so anyone could choose where your token goes. Fix the ownership or permissions (chmod o-w), or run outside this directory.`,
        TEAM_FILE,
      );
    }
  }
  return file;
}

const SECRET_KEY = /token|password|secret|auth|credential/i;
const SECRET_VALUE = /^(glpat|gldt|glcbt|glptt|gloas|glrt|glsoat)-/;

export function parseTeamFile(file: string, text: string): TeamFile {
  const where = path.basename(file);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${where} is not valid JSON: ${(e as Error).message.split('\n')[0]}`, where);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new InputError(`${where} must hold one JSON object`, where);
  const obj = data as Record<string, unknown>;
  for (const [k, v] of Object.entries(obj)) {
    if (SECRET_KEY.test(k) || (typeof v === 'string' && SECRET_VALUE.test(v))) {
      throw new InputError(`${where} must not hold secrets ("${k}"): tokens are given at the prompt or on stdin, never committed`, where);
    }
    if (!pick(KEYS, k)) throw new InputError(`${where} has an unknown key "${k}"; allowed: ${KEYS.join(', ')}`, where);
    if (typeof v !== 'string') throw new InputError(`${where}: "${k}" must be a string`, where);
  }
  const out: TeamFile = { file };
  const str = (k: string) => obj[k] as string | undefined;
  try {
    if (str('instance') !== undefined) out.instance = gitlabBase(parseGitlabUrl(str('instance')!, `${where} instance`));
    if (str('registry') !== undefined) out.registry = parseRegistry(str('registry')!, `${where} registry`).registry;
    if (str('project') !== undefined) out.project = parseProject(str('project')!, `${where} project`);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(e.message, where);
    throw e;
  }
  if (str('type') !== undefined) {
    const type = pick(CREDENTIAL_TYPES, str('type'));
    if (!type) throw new InputError(`${where}: "type" must be one of ${CREDENTIAL_TYPES.join(', ')}`, where);
    out.type = type;
  }
  if (str('access') !== undefined) {
    const access = pick(ACCESS_LEVELS, str('access'));
    if (!access) throw new InputError(`${where}: "access" must be pull or push`, where);
    out.access = access;
  }
  return out;
}

export function loadTeamFile(cwd: string): TeamFile | undefined {
  const file = findTeamFile(cwd);
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code}`, TEAM_FILE);
  }
  return parseTeamFile(file, text);
}
