import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { Logger } from 'pino';
import type { ServerSpec, ServerState, ServerStats, ServerStatus } from '@conductor/core/protocol';
import { AppError, conflict } from '@conductor/core/shared';
import type { AgentConfig } from '../config.js';
import { pingServer, type PingResult } from '../game/ping.js';
import { readRconSettings, readTps, type RconSettings } from '../game/rcon.js';
import type { EventJournal } from '../journal.js';
import { ConsoleBuffer } from './console-buffer.js';
import { containerName, gameContainerOptions, hostResources } from './container-config.js';
import { demuxLogBuffer } from './docker-logs.js';
import { linesBetween, onlineByJournal } from './players-while-away.js';
import { ensureImage } from './images.js';
import { sampleFromDockerStats, type ContainerSample } from './stats.js';

/** Where a runtime sends what subscribers see. */
export interface RuntimePublisher {
  console(serverId: string, lines: string[]): void;
  state(serverId: string, state: ServerState): void;
  stats(stats: ServerStats): void;
}

export interface RuntimeDeps {
  docker: Docker;
  config: AgentConfig;
  journal: EventJournal;
  logger: Logger;
  publish: RuntimePublisher;
  volumePath: string;
  /** Whether the game expects a PROXY protocol header (its edge route says so): the agent's pings send one too. */
  speaksProxyProtocol?(serverId: string): boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One game server on this node: its container, console, state machine and crash policy.
 * offline → starting → running (the done pattern appeared) → stopping → offline; an exit nobody
 * asked for is a crash, restarted unless the previous crash was within the window.
 */
export class ServerRuntime {
  state: ServerState = 'offline';
  readonly console: ConsoleBuffer;
  private desired: 'running' | 'stopped' = 'stopped';
  private released = false;
  private container: Docker.Container | null = null;
  private stream: NodeJS.ReadWriteStream | null = null;
  private startedAt: Date | null = null;
  private startRequestedAt = 0;
  private lastExit: ServerStatus['lastExit'] = null;
  private crashes: number[] = [];
  private exitWaiters: Array<() => void> = [];
  private statsStream: NodeJS.ReadableStream | null = null;
  private sample: ContainerSample | null = null;
  private lastStatsAt = 0;
  private ping: PingResult | null = null;
  private tps: number | null = null;
  private diskBytes = 0;
  private timers: NodeJS.Timeout[] = [];
  private rcon: RconSettings | null = null;
  private containerIp: string | null = null;
  private players = new Set<string>();
  /** Console lines whose players wait for an adoption to settle the ones it missed; null when live. */
  private heldPlayerLines: string[] | null = null;
  private done: RegExp;
  private joined: RegExp;
  private left: RegExp;
  private readonly lineListeners = new Set<(line: string) => void>();

  constructor(
    public spec: ServerSpec,
    private readonly deps: RuntimeDeps,
  ) {
    this.console = new ConsoleBuffer(deps.config.CONSOLE_HISTORY_LINES, deps.config.CONSOLE_MAX_LINES_PER_SECOND, (line) =>
      this.publishLines([line]),
    );
    this.done = new RegExp(spec.donePattern);
    this.joined = new RegExp(spec.playerPatterns.joined);
    this.left = new RegExp(spec.playerPatterns.left);
  }

  get id(): string {
    return this.spec.id;
  }

  status(): ServerStatus {
    return {
      id: this.id,
      state: this.state,
      containerId: this.container?.id ?? null,
      startedAt: this.startedAt?.toISOString() ?? null,
      lastExit: this.lastExit,
    };
  }

  /** Live figures while it runs; when stopped, zeros for those and its (still real) disk use. */
  latestStats(): ServerStats | null {
    if (this.sample) return this.composeStats(this.sample);
    if (this.state !== 'offline') return null;
    return this.composeStats({
      cpuPercent: 0,
      memoryBytes: 0,
      memoryLimitBytes: this.spec.limits.memoryMb * 1048576,
      networkRxBytes: 0,
      networkTxBytes: 0,
      blockReadBytes: 0,
      blockWriteBytes: 0,
    });
  }

  /** A new spec: limits apply to a running container now, everything else at the next start. */
  async updateSpec(spec: ServerSpec): Promise<void> {
    this.spec = spec;
    this.done = new RegExp(spec.donePattern);
    this.joined = new RegExp(spec.playerPatterns.joined);
    this.left = new RegExp(spec.playerPatterns.left);
    if (this.container && (this.state === 'running' || this.state === 'starting')) {
      await this.container.update(hostResources(spec));
    }
  }

  /** Disk use, measured by the agent's quota pass (one walk of the files serves both). */
  setDiskUsage(bytes: number): void {
    this.diskBytes = bytes;
  }

  /** A line from the agent itself on this server's console (quota stops, for example). */
  announce(line: string): void {
    this.publishLines([this.console.note(line)]);
  }

  /** Every console line the game prints from now on (a backup waits for "Saved the game"); returns the unsubscribe. */
  onConsoleLine(listener: (line: string) => void): () => void {
    this.lineListeners.add(listener);
    return () => this.lineListeners.delete(listener);
  }

  setInstalling(installing: boolean): void {
    this.setState(installing ? 'installing' : 'offline');
  }

  async start(): Promise<void> {
    if (this.state !== 'offline') throw conflict('server_not_offline', `The server is ${this.state}`);
    this.desired = 'running';
    this.startRequestedAt = Date.now();
    this.setState('starting');
    this.deps.journal.record('server.starting', this.id);
    try {
      await this.removeContainer();
      await ensureImage(this.deps.docker, this.spec.image, (line) => this.announce(line));
      const container = await this.deps.docker.createContainer(
        gameContainerOptions(this.spec, {
          volumePath: this.deps.volumePath,
          network: this.deps.config.AGENT_NETWORK,
          user: this.deps.config.AGENT_SERVER_USER,
          namePrefix: this.deps.config.AGENT_CONTAINER_PREFIX,
        }),
      );
      this.container = container;
      // Attach before starting so not a line of output is missed.
      await this.attach(container);
      await container.start();
      this.startedAt = new Date();
      await this.afterStart(container);
    } catch (err) {
      this.desired = 'stopped';
      this.detach();
      this.setState('offline');
      this.deps.journal.record('server.stopped', this.id, { reason: 'start_failed', error: (err as Error).message });
      this.publishLines([this.console.note(`[conductor] The server could not start: ${(err as Error).message}`)]);
      if (err instanceof AppError) throw err;
      throw new AppError(502, 'start_failed', `Docker could not start the server: ${(err as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    if (this.state === 'offline') return;
    if (this.state === 'installing') throw conflict('server_installing', 'The server is installing');
    this.desired = 'stopped';
    if (this.state !== 'stopping') {
      this.setState('stopping');
      this.deps.journal.record('server.stopping', this.id);
    }
    const exited = this.waitForExit();
    const signal = /^\^(C|SIG[A-Z0-9]+)$/.exec(this.spec.stopCommand)?.[1];
    try {
      if (signal) await this.container?.kill({ signal: signal === 'C' ? 'SIGINT' : signal });
      else this.stream?.write(`${this.spec.stopCommand}\n`);
    } catch {
      /* the process or stream is gone: the kill below covers it */
    }
    const timedOut = await Promise.race([exited.then(() => false), sleep(this.spec.stopTimeoutSeconds * 1000).then(() => true)]);
    if (timedOut) {
      this.publishLines([this.console.note(`[conductor] The server did not stop within ${this.spec.stopTimeoutSeconds}s; killing it`)]);
      await this.container?.kill().catch(() => undefined);
      await this.settleExit(exited);
    }
  }

  /** After a kill the exit comes within seconds; if it does not, Docker is asked directly. */
  private async settleExit(exited: Promise<void>): Promise<void> {
    const done = await Promise.race([exited.then(() => true), sleep(30_000).then(() => false)]);
    if (done) return;
    const inspect = await this.container?.inspect().catch(() => null);
    if (!inspect?.State.Running) await this.onExit(inspect?.State.ExitCode ?? -1);
  }

  async kill(): Promise<void> {
    if (this.state === 'offline' || !this.container) return;
    this.desired = 'stopped';
    if (this.state !== 'stopping') {
      this.setState('stopping');
      this.deps.journal.record('server.stopping', this.id, { kill: true });
    }
    const exited = this.waitForExit();
    await this.container.kill().catch(() => undefined);
    await this.settleExit(exited);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  sendCommand(command: string): void {
    if ((this.state !== 'running' && this.state !== 'starting') || !this.stream)
      throw conflict('server_not_running', 'The server is not running');
    this.stream.write(`${command}\n`);
  }

  /** After an agent restart: take over a container that is already there. */
  async adopt(info: Docker.ContainerInfo): Promise<void> {
    const container = this.deps.docker.getContainer(info.Id);
    const inspect = await container.inspect();
    if (!inspect.State.Running) {
      this.container = container;
      this.lastExit = {
        code: inspect.State.ExitCode,
        oomKilled: inspect.State.OOMKilled,
        at: new Date(inspect.State.FinishedAt).toISOString(),
      };
      // It was running when the agent last knew it and nobody asked it to stop: it crashed meanwhile.
      const last = this.deps.journal.lastFor(this.id)?.type;
      if (last === 'server.started' || last === 'server.starting' || last === 'server.restarted') {
        this.deps.journal.record('server.crashed', this.id, {
          exitCode: inspect.State.ExitCode,
          oomKilled: inspect.State.OOMKilled,
          whileAgentAway: true,
        });
      }
      return;
    }
    this.container = container;
    this.desired = 'running';
    this.startedAt = new Date(inspect.State.StartedAt);
    const history = demuxLogBuffer(
      (await container.logs({
        stdout: true,
        stderr: true,
        follow: false,
        tail: this.deps.config.CONSOLE_HISTORY_LINES,
        since: Math.floor(this.startedAt.getTime() / 1000),
      })) as unknown as Buffer,
    );
    const lines = this.console.push(history.endsWith('\n') ? history : `${history}\n`);
    this.setState(lines.some((l) => this.done.test(l)) ? 'running' : 'starting');
    this.players = onlineByJournal(this.deps.journal.forServer(this.id));
    // Players seen live wait until those seen while no agent listened are settled, in order.
    const held: string[] = [];
    this.heldPlayerLines = held;
    await this.attach(container);
    const attachedAt = new Date();
    await this.afterStart(container);
    this.publishLines([this.console.note('[conductor] The agent restarted and reattached to this server')]);
    // Each line may wait for a ping: the agent's start does not wait for them.
    void this.settlePlayers(container, attachedAt, held);
  }

  private async settlePlayers(container: Docker.Container, attachedAt: Date, held: string[]): Promise<void> {
    try {
      held.unshift(...(await this.linesWhileAway(container, attachedAt)));
      for (let line = held.shift(); line !== undefined; line = held.shift()) await this.detectPlayer(line);
    } finally {
      this.heldPlayerLines = null;
    }
  }

  /** What the game printed after the journal's last word on it and before this agent attached. */
  private async linesWhileAway(container: Docker.Container, attachedAt: Date): Promise<string[]> {
    const last = this.deps.journal.lastFor(this.id);
    const after = last ? new Date(last.at) : (this.startedAt ?? new Date(0));
    try {
      const text = demuxLogBuffer(
        (await container.logs({
          stdout: true,
          stderr: true,
          follow: false,
          timestamps: true,
          since: Math.floor(after.getTime() / 1000),
        })) as unknown as Buffer,
      );
      return linesBetween(text, after, attachedAt);
    } catch (err) {
      this.deps.logger.warn({ err, server: this.id }, 'cannot read what the server printed while the agent was away');
      return [];
    }
  }

  /** Stops watching this server without touching its container (agent shutdown). */
  /**
   * The agent is stopping and leaves the container running for the next agent to adopt: this
   * runtime no longer acts on it (an exit seen afterwards is the next agent's to handle, not a
   * crash to restart from here).
   */
  release(): void {
    this.released = true;
    this.stopLoops();
    this.detach();
  }

  async destroy(): Promise<void> {
    this.desired = 'stopped';
    this.stopLoops();
    this.detach();
    await this.removeContainer();
    this.container = null;
  }

  private async afterStart(container: Docker.Container): Promise<void> {
    const inspect = await container.inspect();
    this.containerIp = inspect.NetworkSettings.Networks[this.deps.config.AGENT_NETWORK]?.IPAddress || null;
    this.rcon = await readRconSettings(this.deps.volumePath);
    this.watchExit(container);
    await this.startStats(container);
    this.startLoops();
  }

  /**
   * Docker's wait ends when the container exits, or when Docker itself goes away (a daemon
   * restart). In the second case the container is inspected: if it is gone or stopped, that is
   * its exit; if it still runs, the wait starts again.
   */
  private watchExit(container: Docker.Container): void {
    container.wait().then(
      (res: { StatusCode: number }) => void this.onExit(res.StatusCode),
      async (err: Error) => {
        this.deps.logger.warn({ err, server: this.id }, 'lost the wait on a container; checking it');
        await sleep(1000);
        try {
          const inspect = await container.inspect();
          if (inspect.State.Running) return this.watchExit(container);
          await this.onExit(inspect.State.ExitCode);
        } catch {
          await this.onExit(-1);
        }
      },
    );
  }

  private async attach(container: Docker.Container): Promise<void> {
    const stream = (await container.attach({
      stream: true,
      stdin: true,
      stdout: true,
      stderr: true,
      hijack: true,
    })) as NodeJS.ReadWriteStream;
    const out = new PassThrough();
    this.deps.docker.modem.demuxStream(stream, out, out);
    out.on('data', (chunk: Buffer) => this.onOutput(chunk.toString('utf8')));
    stream.on('error', (err) => this.deps.logger.debug({ err, server: this.id }, 'console stream error'));
    this.stream = stream;
  }

  private detach(): void {
    const stream = this.stream as (NodeJS.ReadWriteStream & { destroy?: () => void }) | null;
    this.stream = null;
    stream?.destroy?.();
  }

  private onOutput(chunk: string): void {
    const lines = this.console.push(chunk);
    if (lines.length) this.publishLines(lines);
    for (const line of lines) {
      for (const listener of this.lineListeners) listener(line);
      if (this.state === 'starting' && this.done.test(line)) {
        this.setState('running');
        this.deps.journal.record('server.started', this.id, { startupMs: Date.now() - this.startRequestedAt });
      }
      if (this.heldPlayerLines) this.heldPlayerLines.push(line);
      else void this.detectPlayer(line);
    }
  }

  private async detectPlayer(line: string): Promise<void> {
    const joined = this.joined.exec(line)?.groups?.name;
    if (joined) await this.confirmPlayer('joined', joined);
    const left = this.left.exec(line)?.groups?.name;
    if (left) await this.confirmPlayer('left', left);
  }

  /** A console line alone could be forged through chat; a ping has the last word when it answers. */
  private async confirmPlayer(kind: 'joined' | 'left', name: string): Promise<void> {
    const ping = await this.pingNow();
    if (ping) {
      const listed = ping.sample.includes(name);
      const confirmed =
        kind === 'joined'
          ? listed || (ping.sample.length === 0 && ping.online > this.players.size)
          : !listed && ping.online < Math.max(this.players.size, 1) + 1;
      if (!confirmed) {
        this.deps.logger.info({ server: this.id, kind, name, online: ping.online }, 'player console line not confirmed by ping; ignored');
        return;
      }
    }
    if (kind === 'joined') {
      if (this.players.has(name)) return;
      this.players.add(name);
    } else {
      if (!this.players.delete(name)) return;
    }
    this.deps.journal.record(kind === 'joined' ? 'player.joined' : 'player.left', this.id, {
      name,
      confirmedByPing: Boolean(ping),
      online: ping?.online ?? this.players.size,
    });
  }

  private async onExit(code: number): Promise<void> {
    if (this.released) return;
    const container = this.container;
    let oomKilled = false;
    try {
      oomKilled = Boolean((await container?.inspect())?.State.OOMKilled);
    } catch {
      /* removed already */
    }
    this.stopLoops();
    this.detach();
    this.players.clear();
    // A stopped server has no live figures: nothing stale may reach charts or fleet totals.
    this.sample = null;
    this.ping = null;
    this.tps = null;
    const at = new Date();
    this.lastExit = { code, oomKilled, at: at.toISOString() };
    const requested = this.desired === 'stopped';
    this.setState('offline');
    const waiters = this.exitWaiters.splice(0);
    for (const resolve of waiters) resolve();
    if (requested) {
      this.deps.journal.record('server.stopped', this.id, { exitCode: code });
      return;
    }
    this.deps.journal.record('server.crashed', this.id, { exitCode: code, oomKilled });
    this.publishLines([
      this.console.note(`[conductor] The server exited unexpectedly (exit code ${code}${oomKilled ? ', out of memory' : ''})`),
    ]);
    const windowMs = (this.spec.crashRestart.windowSeconds ?? this.deps.config.CRASH_WINDOW_SECONDS) * 1000;
    const previous = this.crashes.filter((t) => at.getTime() - t < windowMs);
    this.crashes = [...previous, at.getTime()];
    if (!this.spec.crashRestart.enabled || previous.length > 0) {
      this.desired = 'stopped';
      const why = this.spec.crashRestart.enabled ? `it crashed again within ${windowMs / 1000}s` : 'crash restart is off';
      this.publishLines([this.console.note(`[conductor] Not restarting: ${why}`)]);
      return;
    }
    this.publishLines([this.console.note('[conductor] Restarting after the crash')]);
    try {
      await this.start();
      this.deps.journal.record('server.restarted', this.id, { afterExitCode: code });
    } catch (err) {
      this.deps.logger.error({ err, server: this.id }, 'restart after crash failed');
    }
  }

  private waitForExit(): Promise<void> {
    if (this.state === 'offline') return Promise.resolve();
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  private async startStats(container: Docker.Container): Promise<void> {
    const stream = (await container.stats({ stream: true })) as unknown as NodeJS.ReadableStream;
    this.statsStream = stream;
    let buffered = '';
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (!line.trim()) continue;
        try {
          this.onDockerStats(JSON.parse(line) as Docker.ContainerStats);
        } catch {
          /* a partial frame: the next one will do */
        }
      }
    });
    stream.on('error', () => undefined);
  }

  private onDockerStats(raw: Docker.ContainerStats): void {
    if (!raw.cpu_stats?.cpu_usage) return;
    this.sample = sampleFromDockerStats(raw);
    const now = Date.now();
    if (now - this.lastStatsAt < this.deps.config.STATS_INTERVAL_MS * 0.9) return;
    this.lastStatsAt = now;
    this.deps.publish.stats(this.composeStats(this.sample));
  }

  private composeStats(sample: ContainerSample): ServerStats {
    return {
      serverId: this.id,
      at: new Date().toISOString(),
      ...sample,
      diskBytes: this.diskBytes,
      uptimeSeconds: this.startedAt && this.state !== 'offline' ? Math.floor((Date.now() - this.startedAt.getTime()) / 1000) : 0,
      // Servers that hide the names in their status (sample empty) get the ones the console reported, confirmed by a ping.
      players: this.ping ? { ...this.ping, sample: this.ping.sample.length ? this.ping.sample : [...this.players] } : null,
      tps: this.tps,
    };
  }

  private startLoops(): void {
    this.stopTimers();
    const every = (ms: number, fn: () => Promise<void>) => {
      const tick = () => {
        fn()
          .catch(() => undefined)
          .finally(() => {
            if (this.timers.includes(timer)) {
              const next = setTimeout(tick, ms);
              next.unref();
              this.timers[this.timers.indexOf(timer)] = next;
              timer = next;
            }
          });
      };
      let timer = setTimeout(tick, 0);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.deps.config.PING_INTERVAL_MS, async () => {
      if (this.state === 'running') await this.pingNow();
      if (this.state === 'running' && this.rcon && this.containerIp)
        this.tps = await readTps(this.containerIp, this.rcon).catch(() => null);
    });
  }

  private stopTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }

  private stopLoops(): void {
    this.stopTimers();
    const stats = this.statsStream as (NodeJS.ReadableStream & { destroy?: () => void }) | null;
    this.statsStream = null;
    stats?.destroy?.();
  }

  /**
   * Where a connection to this node's published `host:port` lands inside the running container
   * (its address on the agent's network), so the edge proxy can skip Docker's port publishing:
   * otherwise every proxied byte is copied twice, once by the proxy and once by Docker.
   */
  publishedTarget(host: string, port: number): { host: string; port: number } | null {
    if (!this.containerIp || (this.state !== 'running' && this.state !== 'starting')) return null;
    const loopback = host.startsWith('127.') || host === '::1';
    const binding = this.spec.ports.find(
      (p) =>
        p.protocol === 'tcp' && p.port === port && (p.ip === host || (loopback && (p.ip === '0.0.0.0' || p.ip === '::' || p.ip === host))),
    );
    return binding ? { host: this.containerIp, port: binding.containerPort ?? this.spec.gamePort } : null;
  }

  private async pingNow(): Promise<PingResult | null> {
    if (!this.containerIp) return null;
    try {
      this.ping = await pingServer(this.containerIp, this.spec.gamePort, 3000, {
        proxyProtocol: this.deps.speaksProxyProtocol?.(this.id) ?? false,
      });
      return this.ping;
    } catch {
      return null;
    }
  }

  private setState(state: ServerState): void {
    if (this.state === state) return;
    this.state = state;
    this.deps.publish.state(this.id, state);
  }

  private publishLines(lines: string[]): void {
    this.deps.publish.console(this.id, lines);
  }

  private async removeContainer(): Promise<void> {
    const container = this.container ?? this.deps.docker.getContainer(containerName(this.deps.config.AGENT_CONTAINER_PREFIX, this.id));
    try {
      await container.remove({ force: true, v: true });
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
    this.container = null;
  }
}
