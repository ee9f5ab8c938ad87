import { asClass } from 'awilix';
import { definePlugin } from '../../kernel/plugin.js';
import { LocalAgent } from './local-agent.js';
import { NodeRepository } from './repository.js';
import { nodeRoutes } from './routes.js';
import { NodeService } from './service.js';

declare module '../../kernel/container.js' {
  interface Cradle {
    nodeService: NodeService;
    nodeRepository: NodeRepository;
    localAgent: LocalAgent;
  }
}

/** The conductor's node registry (B2): nodes, tokens, health, allocations. */
export const nodesModule = definePlugin({
  manifest: { name: 'nodes', version: '0.1.0', description: 'Nodes, their health and allocations', dependsOn: ['auth'] },
  migrations: new URL('./migrations/', import.meta.url),
  register(ctx) {
    ctx.register({
      nodeRepository: asClass(NodeRepository).singleton(),
      nodeService: asClass(NodeService).singleton(),
      localAgent: asClass(LocalAgent).singleton(),
    });
  },
  async start({ cradle }) {
    await cradle.localAgent.start();
  },
  async stop({ cradle }) {
    await cradle.localAgent.stop();
  },
  routes: nodeRoutes,
  jobs: [
    ({ cradle }) => ({
      id: 'health',
      // Every 10 seconds: node.down reaches webhooks and self-healing quickly.
      cron: '*/10 * * * * *',
      run: async () => {
        await cradle.nodeService.checkAll();
      },
    }),
  ],
});
