import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface AgentProcess {
  child: ChildProcess;
  /** Everything the agent printed so far (stdout and stderr). */
  output(): string;
  /** Settles with the exit code (or signal) when the process ends; tests that expect it alive race against it. */
  exited: Promise<number | string>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/**
 * The agent as its own process (`wings-agent/src/main.ts`), as an operator runs it: what a test
 * needs when the process itself is under test (a crash, a kill, a restart), which an agent inside
 * the test's own process cannot show.
 */
export function runAgentProcess(env: Record<string, string>): AgentProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'wings-agent/src/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return {
    child,
    output: () => out,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
