import { z } from 'zod';
import { PLACEMENT_STRATEGIES, portList, type SleepFreesMemory } from '@conductor/core';

/** A cluster is the nodes whose location is its name; a policy says how it grows and shrinks. */
export const clusterName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, { error: 'lower-case letters, digits and -, at most 40' });

export const clusterPolicy = z
  .strictObject({
    minNodes: z.number().int().min(0).max(100).default(0),
    maxNodes: z.number().int().min(0).max(100).default(3),
    /** Hetzner server types, cheapest first: tried in order when one has no capacity. */
    serverTypes: z
      .array(z.string().regex(/^[a-z0-9-]{1,32}$/))
      .min(1)
      .max(10),
    locations: z
      .array(z.string().regex(/^[a-z0-9-]{1,32}$/))
      .min(1)
      .max(10),
    /** What the cluster's cloud nodes may cost together in a month, in cents. */
    monthlyBudgetCents: z.number().int().min(0),
    /** Memory (MB) that must stay free to promise across the cluster; less starts a scale-up. */
    headroomMb: z.number().int().min(0).max(1_048_576).default(0),
    /** Game ports each new node offers on its public address, such as "25565-25600". */
    gamePorts: z
      .string()
      .refine((v) => portList.safeParse(v).success, { error: 'expected ports such as 25565, 25570-25580 (at most 1000)' })
      .default('25565'),
    scaleUpCooldownSeconds: z.number().int().min(0).max(86_400).default(300),
    scaleDownCooldownSeconds: z.number().int().min(0).max(86_400).default(900),
    /** A cloud node with less of its memory promised than this share is a candidate to remove ... */
    scaleDownBelowPct: z.number().int().min(0).max(100).default(20),
    /** ... once it has stayed so for this long. */
    scaleDownAfterSeconds: z.number().int().min(0).max(604_800).default(1800),
    /** Ready cloud nodes kept empty for servers that cannot wait for a boot; the pool refills when one is taken. */
    spares: z.number().int().min(0).max(20).default(0),
    /**
     * Order nodes ahead of demand: when the forecast's upper band of committed memory over the next
     * `forecastHours` (plus the measured boot lead time) exceeds what the cluster can promise.
     * Needs the forecast plugin and four weeks of history; without either the scaler reacts only.
     */
    predictive: z.boolean().default(false),
    forecastHours: z.number().int().min(1).max(48).default(2),
    /**
     * Where a new or moved server goes among the cluster's nodes: `pack` (the fullest node that
     * fits, so the least-loaded node empties and the shrinker can remove it) or `spread` (the node
     * with the most room, core's default). Nodes outside any cluster always spread.
     */
    placement: z.enum(PLACEMENT_STRATEGIES).default('pack'),
    /**
     * A sleeping (or archived) server gives its node's memory back, so the fleet shrinks to what is
     * awake; a wake that finds its node full first moves the server (its files) to a node with room.
     * Off: sleeping servers keep their memory booked, as on a static fleet, and every wake is in place.
     */
    sleepFreesMemory: z.boolean().default(true),
    /**
     * With `sleepFreesMemory`, a sleeper keeps its memory booked this long after falling asleep:
     * the servers that just slept are the likeliest to wake, and a wake with room on its own node
     * needs no move. 0 gives it back at once: the default, because on the simulator's built-in week
     * every grace measured cost node-hours and none brought the longest wait down (docs/simulator.md).
     */
    sleepFreesMemoryAfterMinutes: z.number().int().min(0).max(10_080).default(0),
    /**
     * With `sleepFreesMemory`, each node keeps free the memory of this many of its largest
     * sleepers, for their next wakes: the scaler moves sleepers (asleep, files only) off a node
     * short of it and orders a node when none can take them, because a wake that finds its node
     * full waits for its files to move. 0: no reserve. Measured on the simulator's week in
     * docs/simulator.md (1 cut long waits about 25-fold for 1-5 points of node-hours).
     */
    wakeReserveSleepers: z.number().int().min(0).max(8).default(1),
    /** Decide and record, but touch nothing. */
    dryRun: z.boolean().default(false),
  })
  .refine((p) => p.minNodes <= p.maxNodes, { error: 'minNodes must not exceed maxNodes', path: ['minNodes'] })
  .refine((p) => p.spares <= p.maxNodes, { error: 'spares must not exceed maxNodes', path: ['spares'] });
export type ClusterPolicy = z.output<typeof clusterPolicy>;

/** What core is told of a policy's sleepers (`memory_freed_asleep`): null while they keep their memory. */
export function memoryFreedAsleep(
  policy: Pick<ClusterPolicy, 'sleepFreesMemory' | 'sleepFreesMemoryAfterMinutes'>,
): SleepFreesMemory | null {
  return policy.sleepFreesMemory ? { afterMinutes: policy.sleepFreesMemoryAfterMinutes } : null;
}
