import { z } from 'zod';
import { defineEvents, type EventDataOf } from '@conductor/core';

const cluster = z.string().describe('The cluster (the nodes whose location is its name)');
const reason = z.string().describe('Why, in words an admin reads on the fleet page');
const cents = z.number().int().describe('Per month, in integer cents');
const dryRun = z.boolean().describe('Only decided: the policy is in dry-run mode');
const cloudServerId = z.string().nullable().describe("The machine's id at the cloud provider");

/** Every scaling decision, with its reason and what it adds to or saves of the monthly bill. */
export const scalingEvents = defineEvents({
  'scaling.scale_up': {
    description: 'The scaler ordered a new node from the cloud',
    data: z.strictObject({ cluster, reason, serverType: z.string(), location: z.string(), cloudServerId, costAddedCents: cents, dryRun }),
  },
  'scaling.scale_up_refused': {
    description: 'The scaler wanted a new node and did not order one (budget, maximum, cloud capacity or error)',
    data: z.strictObject({
      cluster,
      reason,
      refusal: z.enum(['budget', 'max_nodes', 'no_provider', 'no_cloud_capacity', 'cloud_error']),
      message: z.string(),
      costAddedCents: cents,
    }),
  },
  'scaling.node_joined': {
    description: 'A node the scaler ordered booted and joined the panel',
    data: z.strictObject({ cluster, cloudServerId, seconds: z.number().int().describe('From the order to the join') }),
  },
  'scaling.join_failed': {
    description: 'A node the scaler ordered did not join in time and was deleted',
    data: z.strictObject({ cluster, cloudServerId, costSavedCents: cents }),
  },
  'scaling.scale_down': {
    description: 'The scaler started emptying a node to remove it (no new servers go there)',
    data: z.strictObject({ cluster, reason, costSavedCents: cents, dryRun }),
  },
  'scaling.node_removed': {
    description: 'An emptied node was removed from the panel and deleted at the cloud',
    data: z.strictObject({ cluster, cloudServerId, costSavedCents: cents }),
  },
  'scaling.scale_down_cancelled': {
    description: 'A node the scaler was emptying is kept: an admin ended its drain',
    data: z.strictObject({ cluster, reason }),
  },
  'scaling.wake_reserve_move': {
    description:
      "A sleeping server's files moved to another node so that its node keeps room for the next wake there (a wake on a full node would wait for the move)",
    data: z.strictObject({ cluster, reason, fromNodeId: z.string().describe('The node the sleeper left') }),
  },
  'scaling.node_reset': {
    description:
      "A node's agent fell silent while the cloud said its machine runs: the machine was reset (lost only if still silent after scaling.resetGraceSeconds)",
    data: z.strictObject({ cluster, cloudServerId, silentSeconds: z.number().int().describe('How long the agent had been silent') }),
  },
});

declare module '@conductor/core' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging adds the events
  interface EventTypes extends EventDataOf<typeof scalingEvents> {}
}
