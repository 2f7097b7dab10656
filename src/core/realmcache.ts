/**
 * Remembered realms, per registry: a repeat `verify` asks GitLab straight away instead of the registry's
 * challenge first. A cache: safe to delete; written only after a verification passed; a remembered realm
 * still goes through the same realm-safety decision, and a failing one falls back to the challenge.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { privateDir, realmsFile } from './paths.js';
import path from 'node:path';

export interface KnownRealm {
  baseUrl: string;
  realm: string;
  service?: string;
}

export interface RealmCache {
  get(registry: string): KnownRealm | undefined;
  set(registry: string, realm: KnownRealm): void;
}

export function realmCacheFile(env: NodeJS.ProcessEnv): string {
  return realmsFile(env);
}

function valid(v: unknown): v is KnownRealm {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.baseUrl === 'string' && /^https?:\/\//.test(r.baseUrl) && typeof r.realm === 'string' && (r.service === undefined || typeof r.service === 'string');
}

export function fileRealmCache(env: NodeJS.ProcessEnv): RealmCache {
  const file = realmCacheFile(env);
  const read = (): Record<string, unknown> => {
    try {
      const j = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      return typeof j === 'object' && j !== null && !Array.isArray(j) ? (j as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  };
  return {
    get(registry) {
      const v = read()[registry];
      return valid(v) ? { baseUrl: v.baseUrl, realm: v.realm, ...(v.service ? { service: v.service } : {}) } : undefined;
    },
    set(registry, realm) {
      try {
        const all = read();
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
