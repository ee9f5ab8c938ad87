import type { ServerSpecInput } from '../../protocol/server-spec.js';
import type { Template } from '../templates/schema.js';
import type { ServerView } from './schema.js';

/** What the agent runs: the template's way of running, with this server's values, limits and ports. */
export function agentSpec(server: ServerView, template: Template, allocation: { ip: string; port: number }): ServerSpecInput {
  return {
    id: server.id,
    image: server.image,
    startup: template.startup,
    shell: template.shell,
    variables: server.variables,
    environment: {},
    ports: [
      { ip: allocation.ip, port: allocation.port, containerPort: template.gamePort, protocol: 'tcp' },
      // Extra ports are for the game's plugins (maps, voice chat): the same port inside, both protocols.
      ...server.extraAllocations.flatMap(({ ip, port }) => [
        { ip, port, containerPort: port, protocol: 'tcp' as const },
        { ip, port, containerPort: port, protocol: 'udp' as const },
      ]),
    ],
    gamePort: template.gamePort,
    limits: { memoryMb: server.memoryMb, swapMb: server.swapMb, cpuPercent: server.cpuPercent, diskMb: server.diskMb },
    donePattern: template.donePattern,
    stopCommand: template.stopCommand,
    install: template.install,
    denyFiles: template.denyFiles,
  };
}
