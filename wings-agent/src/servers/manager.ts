import { mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import type { Logger } from 'pino';
import { fencedName, type PowerAction, type ServerSpec } from '@conductor/core/protocol';
import { AppError, conflict, notFound } from '@conductor/core/shared';
import type { AgentConfig } from '../config.js';
import type { EventJournal } from '../journal.js';
import { LABEL_ROLE, LABEL_SERVER } from './container-config.js';
import { ensureImage } from './images.js';
import { installContainerName, runInstall } from './install.js';
import { ServerRuntime, type RuntimePublisher } from './runtime.js';
import type { SpecStore } from './spec-store.js';
import { chownTree, ensureVolume, parseOwner, removeVolume } from './volumes.js';

export interface ManagerDeps {
  docker: Docker;
  config: AgentConfig;
  journal: EventJournal;
  logger: Logger;
  specs: SpecStore;
  publish: RuntimePublisher & { installOutput(serverId: string, lines: string[]): void };
  speaksProxyProtocol?(serverId: string): boolean;
}

/** Every server on this node, rebuilt from the spec files and Docker after a restart. */
export class ServerManager {
  private readonly runtimes = new Map<string, ServerRuntime>();
  private readonly owner: { uid: number; gid: number };

  constructor(private readonly deps: ManagerDeps) {
    this.owner = parseOwner(deps.config.AGENT_SERVER_USER);
  }

  /** The folder holding every server's files (and, beside them, the file layer's work folders). */
  volumesDir(): string {
    return path.resolve(this.deps.config.AGENT_DATA_DIR, 'volumes');
  }

  volumePath(id: string): string {
    return path.join(this.volumesDir(), id);
  }

  fileOwner(): { uid: number; gid: number } {
    return this.owner;
  }

  /** Loads known servers and takes over their containers; containers keep running across agent restarts. */
  async init(): Promise<void> {
    await this.ensureNetwork();
    for (const spec of this.deps.specs.all()) this.runtimes.set(spec.id, this.newRuntime(spec));
    const containers = await this.deps.docker.listContainers({ all: true, filters: { label: [LABEL_SERVER] } });
    const volumes = this.volumesDir() + path.sep;
    for (const info of containers) {
      const id = info.Labels[LABEL_SERVER]!;
      const runtime = this.runtimes.get(id);
      // Files outside this agent's data folder: another agent's server on the same Docker engine.
      if (!runtime && !(info.Mounts ?? []).some((m) => (m.Source ?? '').startsWith(volumes))) continue;
      if (info.Labels[LABEL_ROLE] === 'install' || !runtime) {
        // An install cut short by the restart, or a server this node no longer knows: not ours to keep.
        await this.deps.docker
          .getContainer(info.Id)
          .remove({ force: true })
          .catch(() => undefined);
        if (runtime) this.deps.journal.record('server.install_failed', id, { reason: 'the agent restarted during the install' });
        continue;
      }
      try {
        await runtime.adopt(info);
      } catch (err) {
        this.deps.logger.error({ err, server: id }, 'could not reattach to a server container');
      }
    }
  }

  list(): ServerRuntime[] {
    return [...this.runtimes.values()];
  }

  get(id: string): ServerRuntime {
    const runtime = this.runtimes.get(id);
    if (!runtime) throw notFound(`No server ${id} on this node`, 'server_not_found');
    return runtime;
  }

  has(id: string): boolean {
    return this.runtimes.has(id);
  }

  create(spec: ServerSpec): ServerRuntime {
    if (this.runtimes.has(spec.id)) throw conflict('server_exists', `Server ${spec.id} already exists on this node`);
    ensureVolume(this.volumePath(spec.id), this.owner);
    this.deps.specs.save(spec);
    const runtime = this.newRuntime(spec);
    this.runtimes.set(spec.id, runtime);
    return runtime;
  }

  async update(spec: ServerSpec): Promise<ServerRuntime> {
    const runtime = this.get(spec.id);
    this.deps.specs.save(spec);
    await runtime.updateSpec(spec);
    return runtime;
  }

  /**
   * Removes the server's containers and spec. Its files are deleted, or with `keepFiles` (a
   * fenced server: the panel has moved it elsewhere while this node was lost) moved aside to
   * `fenced/<id>-<time>` in the data folder for an admin to look at.
   */
  async remove(id: string, options: { keepFiles?: boolean } = {}): Promise<void> {
    const runtime = this.get(id);
    await runtime.destroy();
    this.runtimes.delete(id);
    // An install still running would write into the removed volume and report on a deleted server.
    await this.deps.docker
      .getContainer(installContainerName(id))
      .remove({ force: true })
      .catch(() => undefined);
    if (options.keepFiles) {
      const fenced = path.resolve(this.deps.config.AGENT_DATA_DIR, 'fenced');
      mkdirSync(fenced, { recursive: true, mode: 0o700 });
      renameSync(this.volumePath(id), path.join(fenced, fencedName(id, new Date())));
    } else removeVolume(this.volumePath(id));
    removeVolume(path.resolve(this.deps.config.AGENT_DATA_DIR, 'install', id));
    this.deps.specs.remove(id);
    this.deps.journal.record('server.deleted', id);
  }

  async power(id: string, action: PowerAction): Promise<void> {
    const runtime = this.get(id);
    switch (action) {
      case 'start':
        return runtime.start();
      case 'stop':
        return runtime.stop();
      case 'restart':
        return runtime.restart();
      case 'kill':
        return runtime.kill();
    }
  }

  /** Starts the install in the background; progress goes to subscribers, the result to the journal. */
  install(id: string): void {
    const runtime = this.get(id);
    if (!runtime.spec.install) throw new AppError(400, 'no_install_script', 'This server has no install script');
    if (runtime.state !== 'offline') throw conflict('server_not_offline', `Stop the server before installing (it is ${runtime.state})`);
    runtime.setInstalling(true);
    this.deps.journal.record('server.installing', id);
    const started = Date.now();
    const publish = (lines: string[]) => {
      for (const line of lines) runtime.console.note(line);
      this.deps.publish.installOutput(id, lines);
    };
    ensureImage(this.deps.docker, runtime.spec.install.image, (line) => publish([line]))
      .then(() =>
        runInstall(runtime.spec, {
          docker: this.deps.docker,
          network: this.deps.config.AGENT_NETWORK,
          volumePath: this.volumePath(id),
          workDir: path.resolve(this.deps.config.AGENT_DATA_DIR, 'install', id),
          onOutput: publish,
          cancelled: () => this.runtimes.get(id) !== runtime,
        }),
      )
      .then((code) => {
        if (this.runtimes.get(id) !== runtime) return;
        chownTree(this.volumePath(id), this.owner);
        runtime.setInstalling(false);
        if (code === 0) this.deps.journal.record('server.installed', id, { durationMs: Date.now() - started });
        else this.deps.journal.record('server.install_failed', id, { exitCode: code });
      })
      .catch((err: Error) => {
        if (this.runtimes.get(id) !== runtime) return;
        runtime.setInstalling(false);
        publish([`[conductor] The install could not run: ${err.message}`]);
        this.deps.journal.record('server.install_failed', id, { error: err.message });
      });
  }

  /** Agent shutdown: stop watching, leave the containers running. */
  release(): void {
    for (const runtime of this.runtimes.values()) runtime.release();
  }

  private newRuntime(spec: ServerSpec): ServerRuntime {
    return new ServerRuntime(spec, {
      docker: this.deps.docker,
      config: this.deps.config,
      journal: this.deps.journal,
      logger: this.deps.logger,
      publish: this.deps.publish,
      volumePath: this.volumePath(spec.id),
      speaksProxyProtocol: this.deps.speaksProxyProtocol,
    });
  }

  private async ensureNetwork(): Promise<void> {
    const name = this.deps.config.AGENT_NETWORK;
    const existing = await this.deps.docker.listNetworks({ filters: { name: [name] } });
    if (existing.some((n) => n.Name === name)) return;
    await this.deps.docker.createNetwork({
      Name: name,
      Driver: 'bridge',
      Labels: { 'conductor.network': 'game' },
      // Game servers reach the internet and are reached through their ports, never each other.
      Options: { 'com.docker.network.bridge.enable_icc': 'false' },
    });
  }
}
