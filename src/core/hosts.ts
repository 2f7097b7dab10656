// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
import { isIP } from 'node:net';
import { InputError } from './errors.js';

/** A registry as docker names it: `host` or `host:port` (IPv6 in brackets). */
export interface RegistryAddress {
  /** Host name or IP, lower case, IPv6 without brackets. */
  hostname: string;
  port?: number;
  /** What docker is given and what goes in config.json: `registry.example.com`, `127.0.0.1:5000`. */
  registry: string;
}

const HOST_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  return mapped !== null && mapped[1]!.startsWith('127.');
}

function checkHostname(hostname: string, what: string, flag: string, form: string): string {
  const h = hostname.toLowerCase();
  if (isIP(h)) return h;
  const labels = h.split('.');
  if (h.length > 253 || labels.some((l) => !HOST_LABEL.test(l))) {
    throw new InputError(`${what} "${printable(hostname)}" is not a valid host name; expected ${form}`, flag);
  }
  return h;
}

function checkPort(port: string, what: string, flag: string, form: string): number {
  const n = /^\d{1,5}$/.test(port) ? Number(port) : NaN;
  if (!(n >= 1 && n <= 65535)) throw new InputError(`${what} has a bad port "${printable(port)}"; expected ${form}`, flag);
  return n;
}

/** Make a value safe to echo in a message: control characters escaped, length capped. */
export function printable(value: string, max = 80): string {
  const s = JSON.stringify(value).slice(1, -1);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** Parse `--registry HOST[:PORT]`. Schemes, paths, userinfo and spaces are refused with the expected form. */
export function parseRegistry(input: string, flag = '--registry'): RegistryAddress {
  const form = 'HOST[:PORT], e.g. registry.gitlab.com or registry.example.com:5050';
  const value = input.trim();
  if (value === '') throw new InputError(`the registry is empty; expected ${form}`, flag);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new InputError(`give the registry without a scheme ("${printable(value)}"); expected ${form}`, flag);
  }
  if (/[\s/@?#\\]/.test(value)) {
    throw new InputError(`the registry "${printable(value)}" has spaces, a path or user info; expected ${form}`, flag);
  }
  let hostname: string;
  let port: string | undefined;
  const v6 = /^\[([0-9a-f:.]+)\](?::(.*))?$/i.exec(value);
  if (v6) {
    hostname = v6[1]!;
    port = v6[2];
    if (isIP(hostname) !== 6) throw new InputError(`the registry "${printable(value)}" is not a valid IPv6 address; expected ${form}`, flag);
  } else {
    const parts = value.split(':');
    if (parts.length > 2) throw new InputError(`the registry "${printable(value)}" is malformed (IPv6 goes in brackets); expected ${form}`, flag);
    hostname = parts[0]!;
    port = parts[1];
  }
  const host = checkHostname(hostname, 'the registry', flag, form);
  const portNumber = port === undefined ? undefined : checkPort(port, 'the registry', flag, form);
  const bracketed = isIP(host) === 6 ? `[${host}]` : host;
  return {
    hostname: host,
    ...(portNumber !== undefined ? { port: portNumber } : {}),
    registry: portNumber !== undefined ? `${bracketed}:${portNumber}` : bracketed,
  };
}

/** Parse `--gitlab URL`: `gitlab.com`, `https://gitlab.example.com`, or with a relative URL root (`https://host/gitlab`). */
export function parseGitlabUrl(input: string, flag = '--gitlab'): URL {
  const form = 'https://HOST[/PATH], e.g. https://gitlab.example.com';
  const value = input.trim();
  if (value === '') throw new InputError(`the GitLab URL is empty; expected ${form}`, flag);
  if (/\s/.test(value)) throw new InputError(`the GitLab URL "${printable(value)}" has spaces; expected ${form}`, flag);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new InputError(`"${printable(value)}" is not a URL; expected ${form}`, flag);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(`the GitLab URL must use https ("${printable(value)}"); expected ${form}`, flag);
  }
  if (url.username || url.password) throw new InputError(`the GitLab URL must not contain user info; expected ${form}`, flag);
  if (url.search || url.hash) throw new InputError(`the GitLab URL must not have a query or fragment; expected ${form}`, flag);
  checkHostname(url.hostname.replace(/^\[|\]$/g, ''), 'the GitLab URL', flag, form);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new InputError(`the GitLab URL must use https; plain http is allowed only on loopback; expected ${form}`, flag);
  }
  url.pathname = url.pathname.replace(/\/+$/, '') || '/';
  return url;
}

/** A GitLab URL as text, without a trailing slash. */
export function gitlabBase(url: URL): string {
  return `${url.origin}${url.pathname === '/' ? '' : url.pathname}`;
}

// Docker's repository path component grammar (distribution/reference).
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/**
 * Parse `--project GROUP[/SUB]/PROJECT[/IMAGE]` into the registry repository path.
 * GitLab serves container paths lower-cased, so the result is lower case.
 */
export function parseProject(input: string, flag = '--project'): string {
  const form = 'GROUP[/SUBGROUP]/PROJECT[/IMAGE], e.g. my-group/my-project';
  const value = input.trim().replace(/^\/+|\/+$/g, '');
  if (value === '') throw new InputError(`the project is empty; expected ${form}`, flag);
  if (value.length > 255) throw new InputError(`the project path is longer than 255 characters; expected ${form}`, flag);
  const parts = value.toLowerCase().split('/');
  if (parts.length < 2) throw new InputError(`"${printable(value)}" names no group; expected ${form}`, flag);
  for (const p of parts) {
    if (!PATH_COMPONENT.test(p)) {
      throw new InputError(`"${printable(value)}" is not a valid registry path ("${printable(p)}"); expected ${form}`, flag);
    }
  }
  return parts.join('/');
}

/**
 * Where a self-managed GitLab's registry usually is, in order: `registry.HOST`; the Helm chart's default
 * `registry.DOMAIN` beside `gitlab.DOMAIN` (charts: global.hosts.domain, hosts `gitlab.` and `registry.`); and
 * `HOST:5050`, the Linux package's port with its Let's Encrypt integration (doc/administration/packages/
 * container_registry.md). A candidate counts only if its realm is on the instance (see discoverRegistry).
 */
export function registryCandidates(hostname: string): string[] {
  const host = hostname.toLowerCase();
  const out = [`registry.${host}`];
  const parent = host.startsWith('gitlab.') ? host.slice('gitlab.'.length) : '';
  if (parent.includes('.')) out.push(`registry.${parent}`);
  out.push(`${isIP(host) === 6 ? `[${host}]` : host}:5050`);
  return isIP(host) ? out.slice(-1) : out;
}

/**
 * An instance as registry.ts `instanceOfRealm` gives it (origin and path prefix, no trailing slash), to compare with one; undefined
 * for text that is no URL (a remembered file edited by hand).
 */
export function instanceKey(gitlab: string): string | undefined {
  try {
    const u = new URL(gitlab);
    return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return undefined;
  }
}
