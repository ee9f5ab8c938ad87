import { createHash } from 'node:crypto';
import { AppError } from '@conductor/core';
import { z } from 'zod';
import { userAgentOf, type MarketplaceConfig } from '../config.js';
import { modrinthError } from './errors.js';
import { RateLimitGate } from './rate-limit.js';
import {
  modrinthProject,
  modrinthSearch,
  modrinthVersion,
  type ModrinthProject,
  type ModrinthSearch,
  type ModrinthVersion,
} from './schemas.js';

export interface SearchParams {
  query?: string;
  /** Modrinth's facets: OR inside an inner array, AND across them. */
  facets: string[][];
  index: 'relevance' | 'downloads' | 'follows' | 'newest' | 'updated';
  offset: number;
  limit: number;
}

export interface Compatibility {
  loaders: string[];
  gameVersions: string[];
}

const BULK = 100;

/**
 * The panel's one Modrinth client: a unique User-Agent on every request, the rate-limit headers
 * honoured (and 429s and 5xx retried with backoff), hashes always named as sha512, files fetched
 * only from allow-listed hosts and checked against their SHA-512 before anyone sees them.
 */
export class ModrinthClient {
  private readonly config: MarketplaceConfig['modrinth'];
  private readonly gate = new RateLimitGate();

  constructor(deps: { marketplaceConfig: MarketplaceConfig }) {
    this.config = deps.marketplaceConfig.modrinth;
  }

  async search(params: SearchParams): Promise<ModrinthSearch> {
    const q = new URLSearchParams({
      facets: JSON.stringify(params.facets),
      index: params.index,
      offset: String(params.offset),
      limit: String(params.limit),
    });
    if (params.query) q.set('query', params.query);
    return modrinthSearch.parse(await this.json('searching the catalogue', 'GET', `/search?${q}`));
  }

  async project(idOrSlug: string): Promise<ModrinthProject | null> {
    const body = await this.json(`reading project ${idOrSlug}`, 'GET', `/project/${encodeURIComponent(idOrSlug)}`, undefined, true);
    return body === null ? null : modrinthProject.parse(body);
  }

  async projects(ids: string[]): Promise<ModrinthProject[]> {
    return this.inChunks(ids, async (chunk) =>
      z
        .array(modrinthProject)
        .parse(await this.json('reading projects', 'GET', `/projects?ids=${encodeURIComponent(JSON.stringify(chunk))}`)),
    );
  }

  async projectVersions(idOrSlug: string, filter?: Compatibility): Promise<ModrinthVersion[] | null> {
    const q = new URLSearchParams();
    if (filter) {
      q.set('loaders', JSON.stringify(filter.loaders));
      q.set('game_versions', JSON.stringify(filter.gameVersions));
    }
    const body = await this.json(
      `reading the versions of ${idOrSlug}`,
      'GET',
      `/project/${encodeURIComponent(idOrSlug)}/version${filter ? `?${q}` : ''}`,
      undefined,
      true,
    );
    return body === null ? null : z.array(modrinthVersion).parse(body);
  }

  async versions(ids: string[]): Promise<ModrinthVersion[]> {
    return this.inChunks(ids, async (chunk) =>
      z
        .array(modrinthVersion)
        .parse(await this.json('reading versions', 'GET', `/versions?ids=${encodeURIComponent(JSON.stringify(chunk))}`)),
    );
  }

  /** The versions these files belong to (by their sha512), for jars uploaded by hand. */
  async versionsByHash(sha512s: string[]): Promise<Record<string, ModrinthVersion>> {
    if (!sha512s.length) return {};
    return z
      .record(z.string(), modrinthVersion)
      .parse(await this.json('looking files up by hash', 'POST', '/version_files', { hashes: sha512s, algorithm: 'sha512' }));
  }

  /** The newest version for each file that fits the server, asked in one request. */
  async updatesByHash(sha512s: string[], fit: Compatibility): Promise<Record<string, ModrinthVersion>> {
    if (!sha512s.length) return {};
    return z.record(z.string(), modrinthVersion).parse(
      await this.json('checking for updates', 'POST', '/version_files/update', {
        hashes: sha512s,
        algorithm: 'sha512',
        loaders: fit.loaders,
        game_versions: fit.gameVersions,
      }),
    );
  }

  /** A file's bytes, only from an allowed host and only when its SHA-512 is the expected one. */
  async download(url: string, sha512: string): Promise<Buffer> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new AppError(502, 'download_host_not_allowed', `Modrinth named a file at an invalid address (${url})`);
    }
    if (!this.config.cdnHosts.includes(parsed.host) || !['https:', 'http:'].includes(parsed.protocol)) {
      throw new AppError(
        502,
        'download_host_not_allowed',
        `The file is at ${parsed.host}, which is not an allowed download host (${this.config.cdnHosts.join(', ')})`,
      );
    }
    const res = await this.send(`downloading ${parsed.pathname}`, () =>
      fetch(parsed, {
        headers: { 'user-agent': userAgentOf(this.config) },
        redirect: 'error',
        signal: AbortSignal.timeout(this.config.timeoutMs * 5),
      }),
    );
    if (!res.ok) throw modrinthError(`downloading ${parsed.pathname}`, { status: res.status });
    const declared = Number(res.headers.get('content-length'));
    if (declared > this.config.maxFileBytes)
      throw new AppError(413, 'file_too_large', `The file is ${declared} bytes, over the limit of ${this.config.maxFileBytes}`);
    const chunks: Buffer[] = [];
    let size = 0;
    const hasher = createHash('sha512');
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > this.config.maxFileBytes)
        throw new AppError(413, 'file_too_large', `The file is over the limit of ${this.config.maxFileBytes} bytes`);
      hasher.update(chunk);
      chunks.push(Buffer.from(chunk));
    }
    const actual = hasher.digest('hex');
    if (actual !== sha512)
      throw new AppError(
        502,
        'file_hash_mismatch',
        `The downloaded ${parsed.pathname.split('/').pop()} does not match its SHA-512 (expected ${sha512.slice(0, 16)}…, got ${actual.slice(0, 16)}…); nothing was installed`,
      );
    return Buffer.concat(chunks);
  }

  private async inChunks<T>(ids: string[], load: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
    const out: T[] = [];
    for (let i = 0; i < ids.length; i += BULK) out.push(...(await load(ids.slice(i, i + BULK))));
    return out;
  }

  /** JSON from the API; a 404 is null when `missingIsNull`, anything else not 2xx throws the mapped error. */
  private async json(what: string, method: 'GET' | 'POST', path: string, body?: unknown, missingIsNull = false): Promise<unknown> {
    const res = await this.send(what, () =>
      fetch(`${this.config.apiUrl}${path}`, {
        method,
        headers: {
          'user-agent': userAgentOf(this.config),
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.config.timeoutMs),
      }),
    );
    if (res.status === 404 && missingIsNull) return null;
    if (!res.ok) {
      const error = (await res.json().catch(() => ({}))) as { description?: string };
      throw modrinthError(what, { status: res.status, description: error.description });
    }
    return res.json();
  }

  /** One request with the rate limit honoured; 429, 5xx and no answer are retried with backoff. */
  private async send(what: string, request: () => Promise<Response>): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      await this.gate.wait();
      let res: Response;
      try {
        res = await request();
      } catch (err) {
        if (attempt >= this.config.attempts) throw modrinthError(what, { cause: err as Error });
        await backoff(attempt);
        continue;
      }
      const reset = this.gate.observe(res.headers);
      if (res.status === 429) {
        this.gate.exhausted(reset);
        await res.body?.cancel();
        if (attempt >= this.config.attempts) throw modrinthError(what, { status: 429, retryAfterSeconds: reset });
        continue;
      }
      if (res.status >= 500 && attempt < this.config.attempts) {
        await res.body?.cancel();
        await backoff(attempt);
        continue;
      }
      return res;
    }
  }
}

function backoff(attempt: number): Promise<void> {
  const ms = Math.min(250 * 2 ** (attempt - 1), 4000) * (0.5 + Math.random() / 2);
  return new Promise((r) => setTimeout(r, ms));
}
