import { spawn, type ChildProcess } from 'node:child_process';
import { statfsSync } from 'node:fs';
import { request } from 'node:http';
import { totalmem } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';
import type { CoreConfig } from '../../kernel/config.js';
import { nodeArgsFor } from '../../kernel/compiled.js';
import { APP_ROOT } from '../../kernel/kernel.js';
import { AgentPidFile } from './agent-pid-file.js';
import type { NodeRepository } from './repository.js';
import type { NodeService, SecretBox } from './service.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function dockerAnswers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

/**
 * The `local` node: on a machine with Docker, the panel registers itself a node on first start and
 * runs the agent as a child process, so `npm start` alone gives a panel that can run servers.
 * Game containers outlive the panel; the agent reattaches to them at the next start. The agent
 * does not outlive the panel: it stops when the pipe to its stdin closes (a killed panel's too),
 * and a start stops an agent an earlier run left behind (DATA_DIR/local-agent.pid) before its own.
 */
export class LocalAgent {
  private child: ChildProcess | null = null;
  private readonly config: CoreConfig;
  private readonly logger: Logger;
  private readonly nodes: NodeService;
  private readonly repository: NodeRepository;
  private readonly secrets: SecretBox;
  private readonly pidFile: AgentPidFile;

  constructor(deps: { config: CoreConfig; logger: Logger; nodeService: NodeService; nodeRepository: NodeRepository; keyRing: SecretBox }) {
    this.config = deps.config;
    this.logger = deps.logger.child({ component: 'local-agent' });
    this.nodes = deps.nodeService;
    this.repository = deps.nodeRepository;
    this.secrets = deps.keyRing;
    this.pidFile = new AgentPidFile(this.config.DATA_DIR, this.logger);
  }

  async start(): Promise<void> {
    if (this.config.LOCAL_AGENT === 'off') return;
    if (!(await dockerAnswers(this.config.DOCKER_SOCKET))) {
      this.logger.info({ socket: this.config.DOCKER_SOCKET }, 'no Docker engine answers here: no local node (add nodes in the admin area)');
      return;
    }
    let node = await this.repository.findLocal();
    let token: string;
    if (!node) {
      const disk = statfsSync(path.resolve(this.config.DATA_DIR));
      const created = await this.nodes.create(
        {
          name: 'local',
          location: 'this machine',
          scheme: 'http',
          address: '127.0.0.1',
          agentPort: this.config.LOCAL_AGENT_PORT,
          publicAddress: '127.0.0.1',
          memoryMb: Math.floor(totalmem() / 1048576),
          memoryOverallocPct: 0,
          diskMb: Math.floor((disk.blocks * disk.bsize) / 1048576),
          diskOverallocPct: 0,
        },
        'system',
        { local: true },
      );
      await this.nodes.addAllocations(
        created.node.id,
        '0.0.0.0',
        Array.from({ length: 36 }, (_, i) => 25565 + i),
      );
      token = created.token;
      node = (await this.repository.findLocal())!;
      this.logger.info('registered this machine as the node "local" with ports 25565-25600');
    } else {
      token = this.secrets.decrypt(node.tokenEncrypted);
    }
    await this.pidFile.stopLeftover();
    const child = this.spawn(token, node.agentPort);
    for (let i = 0; i < 100 && child.exitCode === null && !(await this.healthy(node.agentPort)); i++) await sleep(100);
    if (child.exitCode !== null) {
      // Its own log lines (above) say why; whatever still answers on the port is not ours.
      this.logger.error(
        { port: node.agentPort, code: child.exitCode },
        `the local agent could not start; if another program holds port ${node.agentPort}, stop it or set LOCAL_AGENT_PORT`,
      );
    }
    await this.nodes.check(node);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    if (child.exitCode !== null || child.signalCode !== null) this.pidFile.remove();
  }

  private spawn(token: string, port: number): ChildProcess {
    const child = spawn(process.execPath, nodeArgsFor(path.join(APP_ROOT, 'wings-agent/src/main.ts')), {
      cwd: APP_ROOT,
      env: {
        ...process.env,
        AGENT_TOKEN: token,
        AGENT_PORT: String(port),
        AGENT_HOST: '127.0.0.1',
        AGENT_DATA_DIR: path.resolve(this.config.DATA_DIR, 'agent'),
        DOCKER_SOCKET: this.config.DOCKER_SOCKET,
        LOG_FORMAT: 'json',
        LOG_LEVEL: this.config.LOG_LEVEL,
        AGENT_EXIT_WITH_STDIN: 'true',
        // This node's allocations start at 25565: its edge proxy takes no shared port (it still
        // answers for sleeping servers on their own ports) unless the operator sets EDGE_PORT.
        EDGE_PORT: process.env.EDGE_PORT ?? 'off',
      },
      // The agent holds the read end of its stdin: when this process ends, however, it reads EOF and stops.
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    if (child.pid) this.pidFile.write(child.pid);
    // The agent's own JSON lines, re-logged under the panel's logger.
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        try {
          const entry = JSON.parse(line) as { msg?: string; level?: number };
          this.logger[(entry.level ?? 30) >= 50 ? 'error' : (entry.level ?? 30) >= 40 ? 'warn' : 'info'](entry, entry.msg ?? 'agent');
        } catch {
          this.logger.info(line);
        }
      });
    }
    child.on('exit', (code, signal) => {
      if (this.child === child) this.logger.error({ code, signal }, 'the local agent exited');
    });
    this.child = child;
    return child;
  }

  private async healthy(port: number): Promise<boolean> {
    try {
      return (await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) })).ok;
    } catch {
      return false;
    }
  }
}
