import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { rootCertificates as tlsRootCertificates } from 'node:tls';
import { isPublicAddress, literalAddress } from '@conductor/core/shared';
import { writeAtomically, type WriteResult } from './atomic-write.js';
import { fileErrors } from './errors.js';
import type { Jail } from './jail.js';
import type { FilesService, PullOptions } from './service.js';

type Allow = (address: string, port: number) => boolean;

function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

function refusedAddress(url: URL, address: string): Error {
  return fileErrors.pullRefused(
    `${url.hostname} resolves to ${address}, a private, loopback, link-local or otherwise internal address; pulls may only reach public addresses`,
  );
}

/**
 * The lookup the connection itself uses: every address the name resolves to is checked, and the
 * socket connects to exactly the addresses checked. A second resolution (where DNS rebinding
 * would answer differently) never happens.
 */
function pinnedLookup(url: URL, allow: Allow): LookupFunction {
  const port = portOf(url);
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const bad = addresses.find((a) => !isPublicAddress(a.address) && !allow(a.address, port));
      if (bad || addresses.length === 0) return callback(refusedAddress(url, bad?.address ?? 'nothing') as NodeJS.ErrnoException, '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const [first] = addresses as [LookupAddress];
      callback(null, first.address, first.family);
    });
  };
}

/** Scheme and literal-address checks; names are checked at connection time by pinnedLookup. */
export function checkPullUrl(raw: string, allow: Allow = () => false): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw fileErrors.pullRefused('Not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw fileErrors.pullRefused(`Only http and https URLs can be pulled, not ${url.protocol}`);
  const literal = literalAddress(url.hostname);
  if (literal !== null && !isPublicAddress(literal) && !allow(literal, portOf(url))) throw refusedAddress(url, literal);
  return url;
}

function request(url: URL, options: PullOptions, allow: Allow, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    // The URL's host name stays the TLS server name (SNI and certificate check); only the address is pinned.
    const tls = url.protocol === 'https:' && options.ca ? { ca: [...tlsRootCertificates, options.ca] } : {};
    const req = client.get(
      url,
      { lookup: pinnedLookup(url, allow), signal, headers: { 'user-agent': 'conductor-agent', accept: '*/*' }, agent: false, ...tls },
      resolve,
    );
    req.setTimeout(Math.min(options.timeoutMs, 30_000), () => req.destroy(fileErrors.pullFailed(`${url.host} stopped answering`)));
    req.on('error', reject);
  });
}

/** Follows redirects itself so every hop is checked like the first. */
async function fetchChecked(start: string, options: PullOptions, signal: AbortSignal): Promise<IncomingMessage> {
  const allow = options.allowTarget ?? (() => false);
  let url = checkPullUrl(start, allow);
  for (let hop = 0; ; hop++) {
    let res: IncomingMessage;
    try {
      res = await request(url, options, allow, signal);
    } catch (err) {
      if (err instanceof Error && 'code' in err && typeof err.code === 'string' && /^pull_/.test(err.code)) throw err;
      throw fileErrors.pullFailed(`Could not reach ${url.host}: ${(err as Error).message}`);
    }
    const status = res.statusCode ?? 0;
    if ([301, 302, 303, 307, 308].includes(status) && res.headers.location) {
      res.resume();
      if (hop >= options.maxRedirects) throw fileErrors.pullFailed(`More than ${options.maxRedirects} redirects`);
      url = checkPullUrl(new URL(res.headers.location, url).toString(), allow);
      continue;
    }
    if (status !== 200) {
      res.resume();
      throw fileErrors.pullFailed(`${url.host} answered ${status}`);
    }
    return res;
  }
}

/**
 * Downloads a URL into a file of the server: at most `maxConcurrent` at once per server, the
 * size limit and the quota counted while streaming, written atomically (a failed pull leaves
 * nothing behind).
 */
export async function pullFile(svc: FilesService, serverId: string, jail: Jail, url: string, destination: string): Promise<WriteResult> {
  const { pull } = svc.options;
  const running = svc.pulls.get(serverId) ?? 0;
  if (running >= pull.maxConcurrent) throw fileErrors.pullBusy(pull.maxConcurrent);
  svc.pulls.set(serverId, running + 1);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(fileErrors.pullFailed('The download took too long')), pull.timeoutMs);
  try {
    await jail.resolve(destination); // path errors before any network traffic
    const res = await fetchChecked(url, pull, controller.signal);
    const declared = Number(res.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > pull.maxBytes) {
      res.destroy();
      throw fileErrors.tooLarge('The download', pull.maxBytes);
    }
    try {
      return await writeAtomically(svc, serverId, jail, destination, res, pull.maxBytes, 'The download');
    } finally {
      res.destroy(); // a refused download must not keep the connection (and the remote) busy
    }
  } finally {
    clearTimeout(timer);
    const now = (svc.pulls.get(serverId) ?? 1) - 1;
    if (now === 0) svc.pulls.delete(serverId);
    else svc.pulls.set(serverId, now);
  }
}
