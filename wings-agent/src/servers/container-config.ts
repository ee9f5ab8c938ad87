import type Docker from 'dockerode';
import type { ServerSpec } from '@conductor/core/protocol';
import { buildStartupArgs } from './startup.js';

const MiB = 1024 * 1024;

export const LABEL_SERVER = 'conductor.server';
export const LABEL_ROLE = 'conductor.role';

/** {{NAME}} becomes "${NAME}": the shell expands the value from the environment, never parses it as code. */
export function shellStartup(startup: string): string {
  return startup.replace(/\{\{\s*([A-Z][A-Z0-9_]*)\s*\}\}/g, '"${$1}"');
}

export function containerName(prefix: string, serverId: string): string {
  return `${prefix}${serverId}`;
}

export interface ContainerContext {
  volumePath: string;
  network: string;
  user: string;
  namePrefix: string;
}

/** The resource limits of a spec, in Docker's units; also used to update a running container. */
export function hostResources(
  spec: ServerSpec,
): Pick<Docker.HostConfig, 'Memory' | 'MemorySwap' | 'NanoCpus' | 'BlkioWeight' | 'PidsLimit'> {
  const memory = spec.limits.memoryMb * MiB;
  return {
    Memory: memory,
    MemorySwap: spec.limits.swapMb === -1 ? -1 : memory + spec.limits.swapMb * MiB,
    NanoCpus: Math.round((spec.limits.cpuPercent / 100) * 1e9),
    BlkioWeight: spec.limits.ioWeight,
    PidsLimit: spec.limits.pids,
  };
}

/**
 * A game container: the command as argv (no shell), stdin kept open for the console, limits from
 * the spec, and hardening that costs a game server nothing: no new privileges, no capabilities,
 * a non-root user, /tmp in memory, no restart by Docker (the agent decides about restarts).
 */
export function gameContainerOptions(spec: ServerSpec, ctx: ContainerContext): Docker.ContainerCreateOptions {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const p of spec.ports) {
    const key = `${p.containerPort ?? spec.gamePort}/${p.protocol}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: p.ip, HostPort: String(p.port) });
  }
  const env = { ...spec.environment, ...spec.variables, SERVER_MEMORY: String(spec.limits.memoryMb), SERVER_PORT: String(spec.gamePort) };
  return {
    name: containerName(ctx.namePrefix, spec.id),
    Image: spec.image,
    Cmd: spec.shell
      ? ['/bin/sh', '-c', shellStartup(spec.startup)]
      : buildStartupArgs(spec.startup, {
          ...spec.variables,
          SERVER_MEMORY: String(spec.limits.memoryMb),
          SERVER_PORT: String(spec.gamePort),
        }),
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: { [LABEL_SERVER]: spec.id, [LABEL_ROLE]: 'game' },
    User: ctx.user,
    WorkingDir: '/data',
    Tty: false,
    OpenStdin: true,
    StdinOnce: false,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    ExposedPorts: exposed,
    HostConfig: {
      ...hostResources(spec),
      Binds: [`${ctx.volumePath}:/data`],
      PortBindings: bindings,
      NetworkMode: ctx.network,
      SecurityOpt: ['no-new-privileges:true'],
      CapDrop: ['ALL'],
      Tmpfs: { '/tmp': 'rw,nosuid,nodev,size=128m' },
      RestartPolicy: { Name: 'no' },
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '2' } },
    },
  };
}
