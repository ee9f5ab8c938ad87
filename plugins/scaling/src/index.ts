import { asClass, asValue } from 'awilix';
import { coreServices, definePlugin, optionalService } from '@conductor/core';
import { demandForecastRef } from '@conductor/plugin-forecast/service';
import { CloudLossCheck } from './cloud-loss-check.js';
import { CloudOrphans } from './cloud-orphans.js';
import { HetznerProvider } from './cloud/hetzner-provider.js';
import type { CloudProvider } from './cloud/provider.js';
import { scalingConfigSchema, type ScalingConfig } from './config.js';
import { scalingEvents } from './events.js';
import { FleetReport } from './fleet-report.js';
import { PassClaim } from './pass-claim.js';
import { memoryFreedAsleep } from './policy.js';
import { packedNodeFor } from './pack-placement.js';
import { Provisioner } from './provisioner.js';
import { ScalingRepository } from './repository.js';
import { scalingRoutes } from './routes.js';
import { Scaler } from './scaler.js';
import { Shrinker } from './shrinker.js';
import { WakeReserveKeeper } from './wake-reserve-keeper.js';
import { SimulationJobs } from './simulator/simulation-jobs.js';
import { spareFor } from './spares-first.js';

declare module '@conductor/core' {
  interface Cradle {
    scalingConfig: ScalingConfig;
    scalingRepository: ScalingRepository;
    cloudProvider: CloudProvider | null;
    provisioner: Provisioner;
    shrinker: Shrinker;
    wakeReserveKeeper: WakeReserveKeeper;
    scalingPassClaim: PassClaim;
    scaler: Scaler;
    fleetReport: FleetReport;
    simulationJobs: SimulationJobs;
    cloudLossCheck: CloudLossCheck;
    cloudOrphans: CloudOrphans;
  }
}

/** Cloud scaling (issue 17; docs/scaling.md): nodes on Hetzner Cloud ordered and removed with demand. */
export default definePlugin({
  manifest: {
    name: 'scaling',
    version: '0.1.0',
    api: '^1.0.0',
    description: 'Cloud scaling: Hetzner Cloud nodes ordered and removed with demand',
    dependsOn: ['nodes', 'servers'],
  },
  events: scalingEvents,
  consumes: [
    coreServices.nodes.nodeService,
    coreServices.nodes.nodeJoins,
    coreServices.servers.serverDirectory,
    coreServices.servers.serverTransfer,
    coreServices.servers.nodeDrain,
    // Predictive policies order ahead of its forecast; without the forecast plugin scaling reacts only.
    optionalService(demandForecastRef),
  ],
  configSchema: scalingConfigSchema,
  migrations: new URL('./migrations/', import.meta.url),
  /** The Fleet page, built from ../ui by scripts/build-ui.mjs. */
  ui: new URL('../ui-dist/', import.meta.url),
  register(ctx) {
    const config = ctx.config;
    ctx.register({
      scalingConfig: asValue(config),
      cloudProvider: asValue(config.hetzner ? new HetznerProvider({ token: config.hetzner.token, baseUrl: config.hetzner.baseUrl }) : null),
      scalingRepository: asClass(ScalingRepository).singleton(),
      provisioner: asClass(Provisioner).singleton(),
      shrinker: asClass(Shrinker).singleton(),
      wakeReserveKeeper: asClass(WakeReserveKeeper).singleton(),
      scalingPassClaim: asClass(PassClaim).singleton(),
      scaler: asClass(Scaler).singleton(),
      fleetReport: asClass(FleetReport).singleton(),
      simulationJobs: asClass(SimulationJobs).singleton(),
      cloudLossCheck: asClass(CloudLossCheck).singleton(),
      cloudOrphans: asClass(CloudOrphans).singleton(),
    });
    // Before the spare pool and the default strategy: clusters whose policy packs fill their fullest node.
    ctx.tap('node.placement', { name: 'scaling.pack', stage: 40 }, (request, trx) => packedNodeFor(request, trx, ctx.cradle));
    // A cloud node is lost only when its provider agrees (docs/resilience.md).
    ctx.tap('node.confirmLost', { name: 'scaling.cloud' }, (question) => ctx.cradle.cloudLossCheck.verdict(question));
    // Machines and snapshots labelled as the scaler's that no node stands for (docs/resilience.md, garbage collection).
    ctx.tap('gc.orphans', 'scaling', (items) => ctx.cradle.cloudOrphans.find(items));
    ctx.tap('gc.reap', 'scaling', (item) => ctx.cradle.cloudOrphans.reap(item));
    // Before the default strategy (stage 100): a hot spare first.
    ctx.tap('node.placement', { name: 'scaling.spares-first', stage: 50 }, (request, trx) => spareFor(request, trx, ctx.cradle));
    // After the default strategy (stage 100): runs only when it found no node. The failed
    // placement is demand, written once the creating transaction has ended (it rolls back).
    ctx.tap('node.placement', { name: 'scaling.demand', stage: 200 }, (request, trx) => {
      // A node or address the admin chose is not helped by another node.
      if (request.nodeId || request.allocation?.ip || request.allocation?.port) return undefined;
      const record = () => void ctx.cradle.scalingRepository.addDemand(request.memoryMb).catch(() => undefined);
      trx.executionPromise.then(record, record);
      return undefined;
    });
  },
  routes: scalingRoutes,
  // Policies saved before `sleepFreesMemory` existed take its default: core learns each cluster's choice.
  async start({ cradle }) {
    for (const cluster of await cradle.scalingRepository.clusters())
      await cradle.serverDirectory.setMemoryFreedAsleep(cluster.name, memoryFreedAsleep(cluster.policy));
  },
  jobs: [
    ({ cradle }) => ({
      id: 'reconcile',
      cron: '*/15 * * * * *',
      run: () => cradle.scaler.reconcile(),
    }),
  ],
});
