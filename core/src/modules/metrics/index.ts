import { asClass } from 'awilix';
import { definePlugin } from '../../kernel/plugin.js';
import { StatsCollector } from './collector.js';
import { PrometheusExporter } from './prometheus.js';
import { StatsRepository } from './repository.js';
import { StatsHistory } from './stats-history.js';
import { metricsRoutes } from './routes.js';
import { coreServices } from '../services.js';

declare module '../../kernel/container.js' {
  interface Cradle {
    statsRepository: StatsRepository;
    statsCollector: StatsCollector;
    statsHistory: StatsHistory;
    prometheusExporter: PrometheusExporter;
  }
}

/** Stats history for charts (raw, per minute, per hour, with retention) and Prometheus metrics (B1). */
export const metricsModule = definePlugin({
  manifest: { name: 'metrics', version: '0.1.0', description: 'Stats history and Prometheus metrics', dependsOn: ['nodes', 'servers'] },
  provides: [coreServices.metrics.statsHistory],
  consumes: [coreServices.nodes.nodeService, coreServices.servers.serverDirectory],
  migrations: new URL('./migrations/', import.meta.url),
  register(ctx) {
    ctx.register({
      statsRepository: asClass(StatsRepository).singleton(),
      statsCollector: asClass(StatsCollector).singleton(),
      statsHistory: asClass(StatsHistory).singleton(),
      prometheusExporter: asClass(PrometheusExporter).singleton(),
    });
  },
  routes: metricsRoutes,
  init({ cradle }) {
    cradle.httpObservers.add(cradle.prometheusExporter.observe);
  },
  jobs: [
    ({ cradle }) => ({ id: 'collect', cron: '*/10 * * * * *', run: async () => void (await cradle.statsCollector.collect()) }),
    ({ cradle }) => ({ id: 'rollup', cron: '5 * * * * *', run: async () => void (await cradle.statsCollector.rollup()) }),
    ({ cradle }) => ({ id: 'prune', cron: '30 17 * * * *', run: () => cradle.statsCollector.prune() }),
  ],
});
