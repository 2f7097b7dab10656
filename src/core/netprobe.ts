// src/core/: the product: requests, verification, verdicts, engines, stores. No printing: HTTP, processes,
// files and the environment are injected (the defaults are the real ones), so each part is tested on its own.
/** Low-level network probes for `doctor`: DNS, TCP, TLS. Injected so tests can hand in fakes. */
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';

export interface TlsInfo {
  authorized: boolean;
  /** Node's code for why not (UNABLE_TO_VERIFY_LEAF_SIGNATURE, CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID, ...). */
  error?: string;
  validTo?: Date;
  subject?: string;
  issuer?: string;
}

export interface NetProbes {
  lookup(host: string): Promise<string[]>;
  connect(host: string, port: number, timeoutMs: number): Promise<void>;
  tls(host: string, port: number, timeoutMs: number, caFile?: string): Promise<TlsInfo>;
}

export const realProbes: NetProbes = {
  async lookup(host) {
    const r = await lookup(host, { all: true });
    return r.map((a) => a.address);
  },
  connect(host, port, timeoutMs) {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port });
      const t = setTimeout(() => {
        s.destroy();
        reject(Object.assign(new Error(`timed out after ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' }));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(t);
        s.destroy();
        resolve();
      });
      s.once('error', (e: Error) => {
        clearTimeout(t);
        reject(e);
      });
    });
  },
  tls(host, port, timeoutMs, caFile) {
    return new Promise((resolve, reject) => {
      const ca = caFile ? [...tls.rootCertificates, readFileSync(caFile, 'utf8')] : undefined;
      const servername = net.isIP(host) ? undefined : host;
      // rejectUnauthorized: false only to read the certificate and say what is wrong with it; nothing is sent.
      const s = tls.connect({ host, port, ...(servername ? { servername } : {}), ...(ca ? { ca } : {}), rejectUnauthorized: false });
      const t = setTimeout(() => {
        s.destroy();
        reject(Object.assign(new Error(`TLS handshake timed out after ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' }));
      }, timeoutMs);
      s.once('secureConnect', () => {
        clearTimeout(t);
        const cert = s.getPeerCertificate();
        let error = s.authorizationError ? String((s.authorizationError as NodeJS.ErrnoException).code ?? s.authorizationError) : undefined;
        if (!error) {
          const altErr = tls.checkServerIdentity(host, cert);
          if (altErr) error = (altErr as NodeJS.ErrnoException).code ?? 'ERR_TLS_CERT_ALTNAME_INVALID';
        }
        s.destroy();
        resolve({
          authorized: !error,
          ...(error ? { error } : {}),
          ...(cert.valid_to ? { validTo: new Date(cert.valid_to) } : {}),
          ...(cert.subject?.CN ? { subject: String(cert.subject.CN) } : {}),
          ...(cert.issuer?.CN ? { issuer: String(cert.issuer.CN) } : {}),
        });
      });
      s.once('error', (e: Error) => {
        clearTimeout(t);
        reject(e);
      });
    });
  },
};
