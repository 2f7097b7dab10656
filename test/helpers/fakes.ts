/** Fakes for the core's injected parts. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, onTestFinished } from 'vitest';
import { HttpError, type HttpClient, type HttpResponse } from '../../src/core/http.js';
import type { RunResult, Runner } from '../../src/core/process.js';

export type Route = (url: URL, headers: Record<string, string>) => Partial<HttpResponse> | Error | Promise<Partial<HttpResponse> | Error>;

/** A fake HTTP client: each request is answered by `route`; every request is recorded. */
export function fakeHttp(route: Route) {
  const seen: Array<{ url: string; headers: Record<string, string> }> = [];
  const client: HttpClient = {
    async get(url, headers = {}) {
      seen.push({ url, headers });
      const r = await route(new URL(url), headers);
      if (r instanceof Error) throw r;
      return { url, status: 200, headers: {}, wwwAuthenticate: [], body: '', ...r };
    },
    close() {},
  };
  return { client, seen };
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
export const fakeJwt = (access: unknown[]) => `${b64({ alg: 'RS256' })}.${b64({ access })}.sig`;
export const challenge = (realm = 'https://gitlab.example.com/jwt/auth') => ({
  status: 401,
  wwwAuthenticate: [`Bearer realm="${realm}",service="container_registry"`],
});

/**
 * A GitLab at https://gitlab.example.com with its registry at registry.gitlab.example.com, where `tokens`
 * maps each known token to the actions it gets on any project (or an HTTP status for the token endpoint).
 */
export function fakeGitlabHttp(tokens: Record<string, string[] | number>) {
  return fakeHttp((url, headers) => {
    if (url.pathname === '/v2/' && url.host === 'registry.gitlab.example.com' && !headers.authorization) return challenge();
    if (url.host === 'gitlab.example.com:5050') return new HttpError('refused', 'connection refused');
    if (url.host === 'gitlab.example.com' && url.pathname === '/jwt/auth') {
      const basic = Buffer.from((headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
      const token = basic.slice(basic.indexOf(':') + 1);
      const grant = tokens[token];
      if (grant === undefined) return { status: 401, body: '{"errors":[{"code":"UNAUTHORIZED","message":"HTTP Basic: Access denied."}]}' };
      if (typeof grant === 'number') return { status: grant, body: grant === 403 ? '{"errors":[{"code":"DENIED","message":"access forbidden"}]}' : '' };
      const scope = url.searchParams.get('scope');
      const name = scope?.split(':')[1];
      const wanted = scope?.split(':')[2]?.split(',') ?? [];
      const access = name ? [{ type: 'repository', name, actions: grant.filter((g) => wanted.includes(g)) }] : [];
      return { status: 200, body: JSON.stringify({ token: fakeJwt(access) }) };
    }
    if (url.host === 'registry.gitlab.example.com' && headers.authorization?.startsWith('Bearer ')) return { status: 200, body: '{}' };
    return { status: 404, body: '' };
  });
}

/** A runner that records calls and answers with `result`. */
export function fakeRunner(result: Partial<RunResult> = {}, delayMs = 0) {
  const calls: Array<{ file: string; args: readonly string[]; input: string; env: NodeJS.ProcessEnv }> = [];
  const runner: Runner = async (file, args, options) => {
    calls.push({ file, args, input: options.input, env: options.env });
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    return { exitCode: 0, stdout: 'Login Succeeded', stderr: '', timedOut: false, notFound: false, ...result };
  };
  return { runner, calls };
}

/**
 * An HTTP fake with one stub per URL (`https://host/path?query`, exactly as requested): a request no stub answers
 * throws, and a stub never used fails the test when it ends (a stub nobody asks for is a test that checks less
 * than it says). `unused()` lists them; `checkUsed: false` leaves the check to the caller.
 */
export function stubHttp(stubs: Record<string, Partial<HttpResponse> | Error>, options: { checkUsed?: boolean } = {}) {
  const used = new Set<string>();
  const seen: Array<{ url: string; headers: Record<string, string> }> = [];
  const client: HttpClient = {
    async get(url, headers = {}) {
      seen.push({ url, headers });
      const stub = stubs[url];
      if (stub === undefined) throw new Error(`stubHttp: no stub for GET ${url}; stubs: ${Object.keys(stubs).join(', ')}`);
      used.add(url);
      if (stub instanceof Error) throw stub;
      return { url, status: 200, headers: {}, wwwAuthenticate: [], body: '', ...stub };
    },
    close() {},
  };
  const unused = () => Object.keys(stubs).filter((u) => !used.has(u));
  if (options.checkUsed !== false) {
    onTestFinished(() => {
      const left = unused();
      if (left.length) throw new Error(`stubHttp: stubs never used: ${left.join(', ')}`);
    });
  }
  return { client, seen, unused };
}

/**
 * A directory for PATH holding a `docker` that does nothing, so engine lookup finds one while the fake runner runs
 * it; made before the file's tests, removed after them. Its path is `bin.dir` once they run.
 */
export function dockerOnPath(): { readonly dir: string } {
  const bin = { dir: '' };
  beforeAll(() => {
    bin.dir = mkdtempSync(path.join(tmpdir(), 'grl-bin-'));
    writeFileSync(path.join(bin.dir, 'docker'), '#!/bin/sh\n', { mode: 0o755 });
  });
  afterAll(() => rmSync(bin.dir, { recursive: true, force: true }));
  return bin;
}
