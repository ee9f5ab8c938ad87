import type { Logger } from '@conductor/core/shared';
import type { ServerState } from '@conductor/core/protocol';

/** What the pause needs of a server's runtime: its state and its console, both ways. */
export interface SaveConsole {
  readonly state: ServerState;
  sendCommand(command: string): void;
  /** A `[conductor]` line on the server's console, so its users see why saving paused. */
  announce(line: string): void;
  /** Every console line the game prints from now on; returns the unsubscribe. */
  onConsoleLine(listener: (line: string) => void): () => void;
}

export type FlushOutcome = 'saved' | 'unknown_command' | 'timeout' | 'not_running' | 'not_sent';

/** Vanilla, Paper, Forge and Fabric print "Saved the game"; old Bukkit "Save complete." Chat lines ("<name> …") do not match. */
const SAVED = /(?:^|\]:?\s*)(?:Saved the game|Save complete)/;
/** Servers without the save commands (vanilla, Bukkit, flying-squid, the test image): no save will come. */
const UNKNOWN = /(?:^|\]:?\s*)(?:Unknown or incomplete command|Unknown command|Command not found)/i;

interface Held {
  count: number;
  runtime: SaveConsole;
  ready: Promise<FlushOutcome>;
}

/**
 * Keeps a running game from writing its world while a backup reads it: `save-off` and
 * `save-all flush` before the archive, then a wait (bounded) for the game to say the save is
 * done, and `save-on` when the last backup of that server ends. A stopped server is left alone.
 *
 * The wait ends at "Saved the game"; at the game refusing both commands (it has no such commands,
 * so waiting longer gains nothing); or after `timeoutMs`. The backup goes ahead in every case,
 * and the agent's log and the server's console say which.
 */
export class SavePause {
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly runtimeOf: (serverId: string) => SaveConsole | null,
    private readonly logger: Logger,
    private readonly timeoutMs: number,
  ) {}

  /** Pauses saving when the server runs; the returned release resumes it (safe to call twice). */
  async pause(serverId: string): Promise<{ outcome: FlushOutcome; release: () => Promise<void> }> {
    let held = this.held.get(serverId);
    if (held) {
      // Another backup of this server paused it already: share its pause, resume after the last.
      held.count += 1;
    } else {
      const runtime = this.runtimeOf(serverId);
      if (!runtime || runtime.state !== 'running') return { outcome: 'not_running', release: async () => undefined };
      held = { count: 1, runtime, ready: this.flush(serverId, runtime) };
      this.held.set(serverId, held);
    }
    const outcome = await held.ready;
    let released = false;
    return {
      outcome,
      release: async () => {
        if (released) return;
        released = true;
        this.release(serverId);
      },
    };
  }

  private async flush(serverId: string, runtime: SaveConsole): Promise<FlushOutcome> {
    const started = Date.now();
    let refused = 0;
    let settle: (outcome: FlushOutcome) => void = () => undefined;
    const settled = new Promise<FlushOutcome>((resolve) => (settle = resolve));
    const unlisten = runtime.onConsoleLine((line) => {
      if (SAVED.test(line)) settle('saved');
      else if (UNKNOWN.test(line) && ++refused >= 2) settle('unknown_command');
    });
    const timer = setTimeout(() => settle('timeout'), this.timeoutMs);
    let outcome: FlushOutcome;
    try {
      runtime.announce('[conductor] Backup: pausing world saves (save-off, save-all flush)');
      runtime.sendCommand('save-off');
      runtime.sendCommand('save-all flush');
      outcome = await settled;
    } catch (err) {
      // The console went away (the server stopped meanwhile): nothing is writing, nothing to wait for.
      this.logger.warn({ err, server: serverId }, 'could not pause saving for a backup; archiving anyway');
      outcome = 'not_sent';
    } finally {
      clearTimeout(timer);
      unlisten();
    }
    const ms = Date.now() - started;
    if (outcome === 'saved') this.logger.info({ server: serverId, ms }, 'world saved and saving paused for a backup');
    else if (outcome === 'unknown_command') {
      this.logger.warn({ server: serverId, ms }, 'the server does not know save-off/save-all; archiving without a flush');
      runtime.announce('[conductor] Backup: this server does not know save-all; archiving without a flush');
    } else if (outcome === 'timeout') {
      this.logger.warn({ server: serverId, timeoutMs: this.timeoutMs }, 'no "Saved the game" within the save timeout; archiving anyway');
      runtime.announce(`[conductor] Backup: the save did not report done within ${this.timeoutMs / 1000}s; archiving anyway`);
    }
    return outcome;
  }

  private release(serverId: string): void {
    const held = this.held.get(serverId);
    if (!held) return;
    held.count -= 1;
    if (held.count > 0) return;
    this.held.delete(serverId);
    try {
      held.runtime.announce('[conductor] Backup: done; resuming world saves (save-on)');
      held.runtime.sendCommand('save-on');
    } catch (err) {
      // Stopped meanwhile: a new start saves normally, there is nothing to turn back on.
      this.logger.info({ err, server: serverId }, 'the server stopped during the backup; save-on not sent');
    }
  }
}
