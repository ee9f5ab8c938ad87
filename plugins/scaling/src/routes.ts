import { z } from 'zod';
import { conflict, notFound, type RouteRegistrar } from '@conductor/core';
import { clusterName, clusterPolicy, memoryFreedAsleep } from './policy.js';
import { fleetNode } from './schemas.js';
import { simulationRoutes } from './simulator/routes.js';

const tags = ['scaling'];
const nameParams = z.object({ name: clusterName });

const clusterView = z.object({
  name: z.string(),
  policy: clusterPolicy,
  lastScaleUpAt: z.string().nullable(),
  lastScaleDownAt: z.string().nullable(),
});

/** The admin's fleet: clusters and their policies, the nodes with their cost, and a pass on demand. */
export function scalingRoutes(router: RouteRegistrar): void {
  simulationRoutes(router);
  router.route({
    method: 'get',
    path: '/clusters',
    summary: 'Clusters with their scaling policies',
    tags,
    access: 'admin',
    response: { schema: z.object({ clusters: z.array(clusterView) }) },
    handler: async ({ scope }) => ({ clusters: await scope.cradle.scalingRepository.clusters() }),
  });
  router.route({
    method: 'put',
    path: '/clusters/:name',
    summary: "Set a cluster's scaling policy (a cluster is the nodes whose location is its name)",
    tags,
    access: 'admin',
    params: nameParams,
    body: clusterPolicy,
    response: { schema: clusterView },
    handler: async ({ params, body, scope }) => {
      const { db, scalingRepository, serverDirectory } = scope.cradle;
      await db.transaction(async (trx) => {
        await scalingRepository.savePolicy(params.name, body, trx);
        await serverDirectory.setMemoryFreedAsleep(params.name, memoryFreedAsleep(body), trx);
      });
      return (await scope.cradle.scalingRepository.cluster(params.name))!;
    },
  });
  router.route({
    method: 'delete',
    path: '/clusters/:name',
    summary: 'Stop scaling a cluster (it must have no cloud nodes left)',
    tags,
    access: 'admin',
    params: nameParams,
    response: { status: 204 },
    errors: { 404: 'No such cluster', 409: 'The cluster still has cloud nodes' },
    handler: async ({ params, scope }) => {
      const repo = scope.cradle.scalingRepository;
      if ((await repo.nodes({ cluster: params.name, live: true })).length)
        throw conflict('cluster_has_nodes', 'The cluster still has cloud nodes; set maxNodes to 0 and let them drain first');
      const { db, serverDirectory } = scope.cradle;
      await db.transaction(async (trx) => {
        if (!(await repo.removeCluster(params.name, trx))) throw notFound('No such cluster', 'cluster_not_found');
        // Without a policy the cluster is a static fleet again: sleeping servers keep their memory.
        await serverDirectory.setMemoryFreedAsleep(params.name, null, trx);
      });
    },
  });
  router.route({
    method: 'get',
    path: '/fleet',
    summary: 'Every node, cloud or static, with its type, monthly price and promised memory; the monthly total',
    tags,
    access: 'admin',
    response: { schema: z.object({ nodes: z.array(fleetNode), monthlyCents: z.number().int() }) },
    handler: ({ scope }) => scope.cradle.fleetReport.report(),
  });
  router.route({
    method: 'post',
    path: '/snapshots',
    summary: "Snapshot a cloud node's disk; new nodes then boot from the newest such snapshot",
    tags,
    access: 'admin',
    body: z.strictObject({ nodeId: z.string().min(1) }),
    response: { status: 201, schema: z.object({ id: z.string(), description: z.string() }) },
    errors: { 404: 'No cloud node with this id', 409: 'No cloud provider is configured', 502: 'The cloud refused or did not answer' },
    handler: ({ body, scope }) => scope.cradle.provisioner.snapshot(body.nodeId),
  });
  router.route({
    method: 'post',
    path: '/reconcile',
    summary: 'Run a scaling pass now (it also runs every 15 seconds on the leader)',
    tags,
    access: 'admin',
    body: z.strictObject({}),
    response: { status: 204 },
    handler: async ({ scope }) => {
      await scope.cradle.scaler.reconcile();
    },
  });
}
