import { asClass, asValue } from 'awilix';
import { z } from 'zod';
import { definePlugin } from '../../kernel/plugin.js';
import { NodeEventIngest } from './event-ingest.js';
import { NodeEventStreams } from './event-stream.js';
import { JoinTokenRepository } from './join-token-repo.js';
import { NodeJoins } from './node-joins.js';
import { LocalAgent } from './local-agent.js';
import { NodeRepository } from './repository.js';
import { nodeRoutes } from './routes.js';
import { NodeService, type NodeHealthPolicy } from './service.js';
import { coreServices } from '../services.js';
import { nodeEvents } from './events.js';

declare module '../../kernel/container.js' {
  interface Cradle {
    nodeService: NodeService;
    nodeRepository: NodeRepository;
    localAgent: LocalAgent;
    nodeEventIngest: NodeEventIngest;
    nodeEventStreams: NodeEventStreams;
    nodeHealth: NodeHealthPolicy;
    joinTokenRepository: JoinTokenRepository;
    nodeJoins: NodeJoins;
  }
}

/** The conductor's node registry (B2): nodes, tokens, health, allocations. */
export const nodesModule = definePlugin({
  manifest: { name: 'nodes', version: '0.1.0', description: 'Nodes, their health and allocations', dependsOn: ['auth'] },
  provides: [coreServices.nodes.nodeService, coreServices.nodes.nodeJoins],
  events: nodeEvents,
  consumes: [coreServices.auth.keyRing],
  configSchema: z.object({
    /** A node that has not answered its health checks for this long is lost (the default: 3 minutes). */
    lostAfterSeconds: z.number().int().min(1).max(86_400).default(180),
  }),
  migrations: new URL('./migrations/', import.meta.url),
  register(ctx) {
    ctx.register({
      nodeHealth: asValue({ lostAfterSeconds: ctx.config.lostAfterSeconds }),
      nodeRepository: asClass(NodeRepository).singleton(),
      nodeService: asClass(NodeService).singleton(),
      localAgent: asClass(LocalAgent).singleton(),
      nodeEventIngest: asClass(NodeEventIngest).singleton(),
      nodeEventStreams: asClass(NodeEventStreams).singleton(),
      joinTokenRepository: asClass(JoinTokenRepository).singleton(),
      nodeJoins: asClass(NodeJoins).singleton(),
    });
    ctx.defineHook('node.returning', 'series');
    ctx.defineHook('node.confirmLost', 'bail');
  },
  async start({ cradle }) {
    // Events reach the log as nodes push them; the health job's journal pull only catches up.
    cradle.nodeEventStreams.sync(await cradle.nodeRepository.all());
    await cradle.localAgent.start();
  },
  async stop({ cradle }) {
    await cradle.nodeEventStreams.close();
    await cradle.localAgent.stop();
  },
  routes: nodeRoutes,
  jobs: [
    ({ cradle }) => ({
      id: 'health',
      // Every 10 seconds: node.down reaches webhooks and self-healing quickly, and events a
      // node's stream missed are read from its journal.
      cron: '*/10 * * * * *',
      run: async () => {
        await cradle.nodeService.checkAll();
      },
    }),
  ],
});
