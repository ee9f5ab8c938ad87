import { z } from 'zod';
import { serverId } from './server-spec.js';

/** A server's lifecycle phase; billing prices phases, the edge proxy answers for sleeping ones. */
export const serverPhase = z.enum(['active', 'sleep', 'archived']);
export type ServerPhase = z.output<typeof serverPhase>;

/** A hostname players type (already lower-case, no trailing dot): what handshakes are matched against. */
export const edgeHostname = z
  .string()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/, {
    error: 'expected a lower-case hostname such as play.example.com',
  });

const playerName = z.string().regex(/^[A-Za-z0-9_]{1,16}$/, { error: 'expected a Minecraft player name' });
const port = z.number().int().min(1).max(65535);

/** What the proxy shows in the server list while the server sleeps. */
export const edgeStatus = z.strictObject({
  motd: z.string().max(512),
  versionName: z.string().min(1).max(64),
  /** The protocol number shown; the client's own is echoed when unset, so the list shows no version warning. */
  protocol: z.number().int().min(0).max(100_000).optional(),
  maxPlayers: z.number().int().min(0).max(1_000_000),
  /** Second MOTD line while asleep. */
  sleepingLine: z.string().max(256).default('§7sleeping §8— §ajoin to wake it'),
});

export type EdgeStatusInput = z.input<typeof edgeStatus>;

export const edgeRoute = z.strictObject({
  serverId,
  /** Hostnames on the shared port that lead to this server. */
  hostnames: z.array(edgeHostname).max(32).default([]),
  /** Ports of this node where the proxy accepts players for this server alone. */
  listenPorts: z.array(port).max(8).default([]),
  /** Where the game accepts connections (a published port, on this node or another). */
  backend: z.strictObject({ host: z.string().min(1).max(253), port }),
  phase: serverPhase,
  /** Send a PROXY protocol v2 header to the backend so the game sees players' real addresses. */
  proxyProtocol: z.boolean().default(false),
  /** A status ping wakes a sleeping server too (not only a login). */
  wakeOnPing: z.boolean().default(false),
  status: edgeStatus,
  /** Only these names wake a sleeping server; null when the server has no whitelist. */
  whitelist: z.array(playerName).max(10_000).nullable().default(null),
  /** These names never wake it. */
  banned: z.array(playerName).max(10_000).default([]),
  /** Shown to a player who joined too early: "rejoin in about N s". */
  startEstimateSeconds: z.number().int().min(1).max(3600).default(40),
});
export type EdgeRoute = z.output<typeof edgeRoute>;
export type EdgeRouteInput = z.input<typeof edgeRoute>;

/** Body of `PUT /api/edge/routes`: the whole table for the node; it replaces the previous one. */
export const edgeRouteTable = z
  .strictObject({
    /** Grows with every push, so an agent keeps the newest table when two pushes cross. */
    version: z.number().int().min(0),
    routes: z.array(edgeRoute).max(10_000),
  })
  .superRefine((table, ctx) => {
    const hostnames = new Set<string>();
    const ports = new Set<number>();
    for (const [i, route] of table.routes.entries()) {
      for (const h of route.hostnames) {
        if (hostnames.has(h)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'hostnames'], message: `hostname ${h} is routed twice` });
        hostnames.add(h);
      }
      for (const p of route.listenPorts) {
        if (ports.has(p)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'listenPorts'], message: `port ${p} is routed twice` });
        ports.add(p);
      }
    }
  });
export type EdgeRouteTable = z.output<typeof edgeRouteTable>;
export type EdgeRouteTableInput = z.input<typeof edgeRouteTable>;

/** What `GET /api/edge` reports: the table in force and the ports the proxy holds. */
export const edgeState = z.object({
  version: z.number().int(),
  routes: z.array(edgeRoute),
  sharedPort: z.number().int().nullable(),
  listening: z.array(z.number().int()),
});
export type EdgeState = z.output<typeof edgeState>;
