import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { HttpObserver } from '../../kernel/container.js';
import type { NodeService } from '../nodes/service.js';
import type { ServerDirectory } from '../servers/server-directory.js';
import type { StatsRepository } from './repository.js';

/**
 * The panel's Prometheus exposition: per server (memory, CPU, state, uptime, players, TPS) from
 * the newest stored samples, fleet totals, and the panel's own HTTP and process figures. Values
 * come from the database, so every panel instance behind a load balancer reports the same.
 */
export class PrometheusExporter {
  readonly registry = new Registry();
  readonly observe: HttpObserver;
  /** Reads current figures into the gauges; call before serialising the registry. */
  readonly refresh: () => Promise<void>;

  constructor(deps: { statsRepository: StatsRepository; serverDirectory: ServerDirectory; nodeService: NodeService }) {
    const r = this.registry;
    collectDefaultMetrics({ register: r, prefix: 'conductor_panel_' });
    // prom-client names these gauges *_total, which promtool (rightly) rejects; the rest are kept.
    for (const name of ['active_handles_total', 'active_requests_total', 'active_resources_total'])
      r.removeSingleMetric(`conductor_panel_nodejs_${name}`);
    const requests = new Counter({
      name: 'conductor_http_requests_total',
      help: 'HTTP requests handled by the panel',
      labelNames: ['method', 'route', 'status'],
      registers: [r],
    });
    const duration = new Histogram({
      name: 'conductor_http_request_duration_seconds',
      help: 'Time to answer an HTTP request',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [r],
    });
    this.observe = ({ method, route, status, seconds }) => {
      requests.inc({ method, route, status: String(status) });
      duration.observe({ method, route }, seconds);
    };

    const perServer = (name: string, help: string) => new Gauge({ name, help, labelNames: ['server', 'node'], registers: [r] });
    const memory = perServer('conductor_server_memory_bytes', 'Memory the server uses (without page cache)');
    const cpu = perServer('conductor_server_cpu_percent', 'CPU the server uses, 100 = one core');
    const uptime = perServer('conductor_server_uptime_seconds', 'Seconds since the server started');
    const players = perServer('conductor_server_players_online', 'Players online');
    const tps = perServer('conductor_server_tps', 'Ticks per second (servers that report it)');
    const state = new Gauge({
      name: 'conductor_server_state',
      help: '1 for the state the server is in',
      labelNames: ['server', 'node', 'state'],
      registers: [r],
    });
    const fleetServers = new Gauge({ name: 'conductor_fleet_servers', help: 'Servers by state', labelNames: ['state'], registers: [r] });
    const fleetMemory = new Gauge({ name: 'conductor_fleet_memory_allocated_bytes', help: 'Memory promised to servers', registers: [r] });
    const fleetUsed = new Gauge({ name: 'conductor_fleet_memory_used_bytes', help: 'Memory servers use', registers: [r] });
    const fleetPlayers = new Gauge({ name: 'conductor_fleet_players_online', help: 'Players online on all servers', registers: [r] });
    const nodes = new Gauge({ name: 'conductor_nodes', help: 'Nodes by health', labelNames: ['status'], registers: [r] });
    const refreshed = new Gauge({
      name: 'conductor_metrics_refresh_timestamp_seconds',
      help: 'When these figures were read',
      registers: [r],
    });

    // prom-client gathers metrics concurrently, so the figures are read once, before serialising.
    // Scrapes take turns: a refresh resets gauges before refilling them.
    let turn: Promise<void> = Promise.resolve();
    this.refresh = () =>
      (turn = turn.then(
        () => refill(),
        () => refill(),
      ));
    const refill = async () => {
      for (const g of [memory, cpu, uptime, players, tps, state, fleetServers, nodes]) g.reset();
      const servers = await deps.serverDirectory.placements();
      const nodeOf = new Map(servers.map((s) => [s.id, s.nodeId]));
      for (const s of servers) state.set({ server: s.id, node: s.nodeId, state: s.state }, 1);
      let used = 0;
      let online = 0;
      for (const sample of await deps.statsRepository.latest(new Date(Date.now() - 60_000))) {
        const labels = { server: sample.serverId, node: nodeOf.get(sample.serverId) ?? 'unknown' };
        memory.set(labels, sample.memoryBytes);
        cpu.set(labels, sample.cpuPercent);
        uptime.set(labels, sample.uptimeSeconds);
        players.set(labels, sample.players);
        if (sample.tps !== null) tps.set(labels, sample.tps);
        used += sample.memoryBytes;
        online += sample.players;
      }
      for (const [st, count] of Object.entries(await deps.serverDirectory.countByState())) fleetServers.set({ state: st }, count);
      fleetMemory.set(servers.reduce((a, s) => a + s.memoryMb, 0) * 1048576);
      fleetUsed.set(used);
      fleetPlayers.set(online);
      for (const n of await deps.nodeService.all()) nodes.inc({ status: n.status });
      refreshed.set(Date.now() / 1000);
    };
  }
}
