/** The real CNCF distribution registry (Debian's docker-registry), with token auth, on 127.0.0.1. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import http from 'node:http';
import https from 'node:https';

export const REGISTRY_BIN = process.env.GRL_REGISTRY_BIN ?? '/usr/bin/docker-registry';

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export interface RealRegistry {
  /** `127.0.0.1:PORT`, as docker names it. */
  registry: string;
  port: number;
  stop(): Promise<void>;
}

function get(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = (url.startsWith('https:') ? https : http).get(url, { rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(500, () => req.destroy());
  });
}

/** `tls`: serve HTTPS with this certificate (the registry's own TLS listener, http.tls in its config). */
export async function startRegistry(opts: {
  realm: string;
  certFile: string;
  issuer?: string;
  service?: string;
  tls?: { certFile: string; keyFile: string };
}): Promise<RealRegistry> {
  const dir = mkdtempSync(path.join(tmpdir(), 'grl-registry-'));
  const port = await freePort();
  const config = `version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${dir}/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${port}
  secret: test-only-secret
${opts.tls ? `  tls:\n    certificate: ${opts.tls.certFile}\n    key: ${opts.tls.keyFile}\n` : ''}auth:
  token:
    realm: ${opts.realm}
    service: ${opts.service ?? 'container_registry'}
    issuer: ${opts.issuer ?? 'gitlab-issuer'}
    rootcertbundle: ${opts.certFile}
`;
  writeFileSync(path.join(dir, 'config.yml'), config);
  const child: ChildProcess = spawn(REGISTRY_BIN, ['serve', path.join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 10_000;
  while ((await get(`${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}/v2/`)) !== 401) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`docker-registry did not start: ${stderr.slice(0, 500)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    registry: `127.0.0.1:${port}`,
    port,
    stop: async () => {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
