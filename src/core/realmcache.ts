// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/**
 * Remembered realms, per registry: a repeat `verify` asks GitLab straight away instead of the registry's
 * challenge first. A cache: safe to delete; written only after a verification passed; a remembered realm
 * still goes through the same realm-safety decision, and a failing one falls back to the challenge.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { instanceKey, isLoopbackHost } from './hosts.js';
import { decideRealm, instanceOfRealm } from './registry.js';
import { privateDir, realmsFile, writableByOthers } from './paths.js';
import path from 'node:path';

export interface KnownRealm {
  baseUrl: string;
  realm: string;
  service?: string;
}

export interface RealmCache {
  get(registry: string): KnownRealm | undefined;
  set(registry: string, realm: KnownRealm): void;
  /** The registries remembered (each still read through `get`); absent: none can be listed. */
  registries?(): string[];
}

/** The instance a registry's remembered realm is on (registry.ts `instanceOfRealm`), computed when read. */
export function instanceOfRegistry(cache: RealmCache | undefined, registry: string): string | undefined {
  const known = cache?.get(registry);
  return known ? instanceOfRealm(new URL(known.realm)) : undefined;
}

/** The registry whose remembered realm is on this instance (one a verification found for it before), computed when read; none when several are. */
export function registryOfInstance(cache: RealmCache | undefined, gitlab: string): string | undefined {
  const instance = instanceKey(gitlab);
  const found = instance === undefined ? [] : (cache?.registries?.() ?? []).filter((r) => instanceOfRegistry(cache, r) === instance);
  // Two registries on one instance (HOST:5050 and registry.HOST): which one is meant is not known, so neither.
  return found.length === 1 ? found[0] : undefined;
}

export function realmCacheFile(env: NodeJS.ProcessEnv): string {
  return realmsFile(env);
}

/**
 * A remembered entry, re-checked on every use against the rules a fresh answer meets: the registry's own address
 * over HTTPS (plain HTTP for a loopback registry alone, as fetchChallenge allows), and a realm that passes realm
 * safety (checked again by verify). An entry edited to point anywhere else is ignored.
 */
function valid(registry: string, v: unknown): v is KnownRealm {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  if (typeof r.baseUrl !== 'string' || typeof r.realm !== 'string' || (r.service !== undefined && typeof r.service !== 'string')) return false;
  if (r.baseUrl !== `https://${registry}` && !(r.baseUrl === `http://${registry}` && isLoopbackHost(parseRegistryHost(registry)))) return false;
  return decideRealm(r.realm, undefined, false).ok;
}

function parseRegistryHost(registry: string): string {
  const v6 = /^\[([^\]]+)\]/.exec(registry);
  return v6 ? v6[1]! : registry.split(':')[0]!;
}

export function fileRealmCache(env: NodeJS.ProcessEnv): RealmCache {
  const file = realmCacheFile(env);
  const readFresh = (): Record<string, unknown> => {
    // Refused, not trusted: a cache that others could have written to.
    if (writableByOthers(path.dirname(file)) || writableByOthers(file)) return {};
    try {
      const j = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      return typeof j === 'object' && j !== null && !Array.isArray(j) ? (j as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  };
  // Read once per run for lookups (what remembered answers imply asks for several registries); a write merges with
  // the file as it is then.
  let cached: Record<string, unknown> | undefined;
  const read = () => (cached ??= readFresh());
  return {
    registries: () => Object.keys(read()),
    get(registry) {
      const v = read()[registry];
      return valid(registry, v) ? { baseUrl: v.baseUrl, realm: v.realm, ...(v.service ? { service: v.service } : {}) } : undefined;
    },
    set(registry, realm) {
      try {
        cached = undefined;
        if (writableByOthers(path.dirname(file))) return;
        const all = readFresh();
        all[registry] = { baseUrl: realm.baseUrl, realm: realm.realm, ...(realm.service ? { service: realm.service } : {}) };
        privateDir(path.dirname(file));
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
        renameSync(tmp, file);
      } catch {
        /* a cache: never worth failing a login over */
      }
    },
  };
}
