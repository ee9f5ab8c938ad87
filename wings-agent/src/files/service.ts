import { lchown } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { FilesHost } from './host.js';
import { DEFAULT_MAX_DEPTH, Jail } from './jail.js';
import { QuotaTracker } from './quota.js';

export interface ExtractLimits {
  /** Uncompressed bytes an archive may expand to (the quota applies as well). */
  maxBytes: number;
  maxEntries: number;
  /** Uncompressed size over compressed size; zip bombs reach thousands. */
  maxRatio: number;
}

export interface PullOptions {
  maxBytes: number;
  maxConcurrent: number;
  maxRedirects: number;
  timeoutMs: number;
  /** Extra CA certificates (PEM) to trust for https pulls: an operator's private CA, or a test's. */
  ca?: string;
  /**
   * Test-only escape hatch: lets a pull reach an otherwise refused address (a test server on
   * loopback). Never set in production; the default refuses every private address.
   */
  allowTarget?: (address: string, port: number) => boolean;
}

export interface FilesOptions {
  maxReadBytes: number;
  maxWriteBytes: number;
  maxUploadBytes: number;
  maxSearchResults: number;
  quotaCacheMs: number;
  /** Most folder levels below a server's root that mkdir, move, copy and extraction may create (AGENT_FILES_MAX_DEPTH). */
  maxDepth: number;
  extract: ExtractLimits;
  pull: PullOptions;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export const defaultFilesOptions: FilesOptions = {
  maxReadBytes: 5 * MiB,
  maxWriteBytes: 20 * MiB,
  maxUploadBytes: 4 * GiB,
  maxSearchResults: 500,
  quotaCacheMs: 5000,
  maxDepth: DEFAULT_MAX_DEPTH,
  extract: { maxBytes: 16 * GiB, maxEntries: 200_000, maxRatio: 200 },
  pull: { maxBytes: 4 * GiB, maxConcurrent: 3, maxRedirects: 5, timeoutMs: 10 * 60_000 },
};

/**
 * What every file operation needs, built once by whoever mounts the routes: the host, the limits,
 * the per-server quota figures and the per-server count of running pulls. No module-level state,
 * so two agents (or two tests) in one process never share a figure.
 */
export class FilesService {
  readonly options: FilesOptions;
  readonly quota: QuotaTracker;
  readonly pulls = new Map<string, number>();

  constructor(
    readonly host: FilesHost,
    options: Partial<Omit<FilesOptions, 'extract' | 'pull'>> & { extract?: Partial<ExtractLimits>; pull?: Partial<PullOptions> } = {},
  ) {
    this.options = {
      ...defaultFilesOptions,
      ...options,
      extract: { ...defaultFilesOptions.extract, ...options.extract },
      pull: { ...defaultFilesOptions.pull, ...options.pull },
    };
    this.quota = new QuotaTracker(host, this.options.quotaCacheMs);
  }

  /** The jail is rebuilt per request: the spec's deny list can change between requests. */
  async jail(serverId: string): Promise<Jail> {
    return Jail.open(this.host.serverRoot(serverId), this.host.spec(serverId).denyFiles, this.options.maxDepth);
  }

  /** Files the agent creates belong to the game's user, not to root. */
  async own(target: FileHandle | string): Promise<void> {
    if (process.getuid?.() !== 0) return; // only root can give files away; tests as a user keep their own
    const { uid, gid } = this.host.owner();
    if (typeof target === 'string') await lchown(target, uid, gid);
    else await target.chown(uid, gid);
  }
}
