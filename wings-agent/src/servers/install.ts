import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { ServerSpec } from '@conductor/core/protocol';
import { splitLines } from './console-buffer.js';
import { LABEL_ROLE, LABEL_SERVER } from './container-config.js';

export interface InstallContext {
  docker: Docker;
  network: string;
  volumePath: string;
  /** Where the script and the install log are kept. */
  workDir: string;
  onOutput(lines: string[]): void;
  /** True once the server was deleted: an install container made after that must not run. */
  cancelled(): boolean;
}

export function installContainerName(serverId: string): string {
  return `conductor-install-${serverId}`;
}

/**
 * Runs the template's install script in a container of its own: the server's files mounted at
 * /mnt/server, the script at /mnt/install/install, the variables in its environment. It runs as
 * root (install scripts install packages and fix permissions) but without new privileges, and its
 * output is streamed and kept in a log file. Resolves with the exit code.
 */
export async function runInstall(spec: ServerSpec, ctx: InstallContext): Promise<number> {
  const install = spec.install!;
  const scriptDir = path.join(ctx.workDir, 'script');
  mkdirSync(scriptDir, { recursive: true });
  writeFileSync(path.join(scriptDir, 'install'), install.script, { mode: 0o755 });
  const name = installContainerName(spec.id);
  await ctx.docker
    .getContainer(name)
    .remove({ force: true })
    .catch(() => undefined);
  const container = await ctx.docker.createContainer({
    name,
    Image: install.image,
    Entrypoint: install.entrypoint,
    Cmd: ['/mnt/install/install'],
    User: '0:0',
    WorkingDir: '/mnt/server',
    Env: Object.entries({ ...spec.environment, ...spec.variables, SERVER_MEMORY: String(spec.limits.memoryMb) }).map(
      ([k, v]) => `${k}=${v}`,
    ),
    Labels: { [LABEL_SERVER]: spec.id, [LABEL_ROLE]: 'install' },
    HostConfig: {
      Binds: [`${ctx.volumePath}:/mnt/server`, `${scriptDir}:/mnt/install:ro`],
      NetworkMode: ctx.network,
      Memory: Math.max(spec.limits.memoryMb, 512) * 1024 * 1024,
      SecurityOpt: ['no-new-privileges:true'],
      Tmpfs: { '/tmp': 'rw,nosuid,nodev,size=256m' },
    },
  });
  if (ctx.cancelled()) {
    await container.remove({ force: true }).catch(() => undefined);
    throw new Error('the server was deleted');
  }
  const log = createWriteStream(path.join(ctx.workDir, 'install.log'));
  // The server can be deleted (its work folder removed) before the log file opens; the install's
  // output still streams, and the error must not end the agent.
  log.on('error', () => undefined);
  try {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const out = new PassThrough();
    ctx.docker.modem.demuxStream(stream, out, out);
    let partial = '';
    out.on('data', (chunk: Buffer) => {
      log.write(chunk);
      const parts = splitLines(partial + chunk.toString('utf8'));
      partial = parts.pop() ?? '';
      if (parts.length) ctx.onOutput(parts);
    });
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    if (partial) ctx.onOutput([partial]);
    return StatusCode;
  } finally {
    log.end();
    await container.remove({ force: true }).catch(() => undefined);
  }
}
