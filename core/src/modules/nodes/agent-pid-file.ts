import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether the process runs; one that exited but was not reaped yet (a zombie) does not. */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc here: the signal answer is all there is
  }
}

/**
 * The local agent's process id, kept in DATA_DIR so the next panel start finds an agent that a
 * killed panel left behind (one too old to stop with its panel, say) and stops it, instead of
 * failing to bind its port and silently talking to the old one.
 */
export class AgentPidFile {
  readonly file: string;

  constructor(
    dataDir: string,
    private readonly logger: Logger,
  ) {
    this.file = path.resolve(dataDir, 'local-agent.pid');
  }

  write(pid: number): void {
    writeFileSync(this.file, `${pid}\n`, { mode: 0o600 });
  }

  remove(): void {
    rmSync(this.file, { force: true });
  }

  /** Stops the agent the file names, when it still runs: SIGTERM, then SIGKILL after `graceMs`. */
  async stopLeftover(graceMs = 10_000): Promise<void> {
    if (!existsSync(this.file)) return;
    const pid = Number.parseInt(readFileSync(this.file, 'utf8'), 10);
    if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid || !processRuns(pid)) return this.remove();
    if (!isAgentProcess(pid)) {
      // The number was reused by an unrelated process since: never signal that.
      this.logger.warn({ pid, file: this.file }, 'the local agent pid file names a process that is not a Conductor agent; ignoring it');
      return this.remove();
    }
    this.logger.warn({ pid }, 'a local agent from an earlier panel run is still running; stopping it to start a current one');
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (processRuns(pid) && Date.now() < deadline) await sleep(100);
    if (processRuns(pid)) {
      this.logger.warn({ pid, graceMs }, 'the earlier local agent did not stop in time; killing it');
      process.kill(pid, 'SIGKILL');
      while (processRuns(pid) && Date.now() < deadline + 5_000) await sleep(50);
    }
    this.remove();
  }
}

/** On Linux the command line tells; elsewhere there is no /proc to ask, and the pid is trusted. */
function isAgentProcess(pid: number): boolean {
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync('/proc/self/cmdline')) return true;
  try {
    return readFileSync(cmdline, 'utf8').includes('wings-agent');
  } catch {
    return false;
  }
}
