import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface BenchChild {
  child: ChildProcess;
  port: number;
  /** Sends `message` and settles with the first reply of type `reply`. */
  ask<T>(message: object, reply: string): Promise<T>;
}

/** A bench server (the panel, a baseline) in its own process, so its CPU and event loop are its own. */
export async function startChild(file: URL, env: Record<string, string> = {}): Promise<BenchChild> {
  const child = fork(fileURLToPath(file), {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ask = <T>(message: object, reply: string) =>
    new Promise<T>((resolve) => {
      const on = (m: { type?: string }) => {
        if (m.type === reply) {
          child.off('message', on);
          resolve(m as T);
        }
      };
      child.on('message', on);
      child.send(message);
    });
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    child.once('message', resolve as never);
    child.once('exit', (code) => reject(new Error(`${file.pathname} exited with ${code}`)));
  });
  return { child, port, ask };
}
