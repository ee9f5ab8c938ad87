import { asClass } from 'awilix';
import { definePlugin } from '../../kernel/plugin.js';
import { NodeEventIngest } from './event-ingest.js';
import { NodeEventStreams } from './event-stream.js';
import { LocalAgent } from './local-agent.js';
import { NodeRepository } from './repository.js';
import { nodeRoutes } from './routes.js';
import { NodeService } from './service.js';
import { coreServices } from '../services.js';
import { nodeEvents } from './events.js';

declare module '../../kernel/container.js' {
  interface Cradle {
    nodeService: NodeService;
    nodeRepository: NodeRepository;
    localAgent: LocalAgent;
    nodeEventIngest: NodeEventIngest;
    nodeEventStreams: NodeEventStreams;
  }
}

/** The conductor's node registry (B2): nodes, tokens, health, allocations. */
export const nodesModule = definePlugin({
  manifest: { name: 'nodes', version: '0.1.0', description: 'Nodes, their health and allocations', dependsOn: ['auth'] },
  provides: [coreServices.nodes.nodeService],
  events: nodeEvents,
  consumes: [coreServices.auth.keyRing],
  migrations: new URL('./migrations/', import.meta.url),
  register(ctx) {
    ctx.register({
      nodeRepository: asClass(NodeRepository).singleton(),
      nodeService: asClass(NodeService).singleton(),
      localAgent: asClass(LocalAgent).singleton(),
      nodeEventIngest: asClass(NodeEventIngest).singleton(),
      nodeEventStreams: asClass(NodeEventStreams).singleton(),
    });
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
