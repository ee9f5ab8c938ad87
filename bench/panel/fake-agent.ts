import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { Server } from 'socket.io';
import { AGENT_SOCKET, type ServerStats } from '@conductor/core/protocol';

/**
 * A stand-in node for the fleet benchmark: it answers what the panel asks a node (servers, stats,
 * events) for `servers` servers and streams stats at 1 Hz to whoever subscribes, like an agent.
 * The panel cannot tell it from a real agent at the protocol level; it runs no containers.
 */
export async function startFakeAgent(token: string, servers: number, prefix: string): Promise<{ port: number; close(): Promise<void> }> {
  const ids = Array.from({ length: servers }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
  const stats = (id: string): ServerStats => ({
    serverId: id,
    at: new Date().toISOString(),
    cpuPercent: Math.random() * 50,
    memoryBytes: 800_000_000 + Math.floor(Math.random() * 1e8),
    memoryLimitBytes: 2_147_483_648,
    networkRxBytes: 1000,
    networkTxBytes: 1000,
    blockReadBytes: 0,
    blockWriteBytes: 0,
    diskBytes: 3_000_000_000,
    uptimeSeconds: 3600,
    players: { online: Math.floor(Math.random() * 10), max: 20, sample: [], version: '1.21.4', motd: 'bench' },
    tps: 20,
  });
  const app = new Koa();
  app.use((ctx) => {
    if (ctx.get('authorization') !== `Bearer ${token}`) {
      ctx.status = 401;
      return;
    }
    if (ctx.path === '/api/servers')
      ctx.body = { servers: ids.map((id) => ({ id, state: 'running', containerId: null, startedAt: null, lastExit: null })) };
    else if (ctx.path === '/api/stats') ctx.body = { stats: ids.map(stats) };
    else if (ctx.path === '/api/events') ctx.body = { events: [], lastSeq: 0 };
    else ctx.status = 404;
  });
  const handle = app.callback();
  const http = createServer((req, res) => void handle(req, res));
  const io = new Server(http, { serveClient: false });
  io.use((socket, next) => (socket.handshake.auth?.token === token ? next() : next(new Error('unauthenticated'))));
  const timers: NodeJS.Timeout[] = [];
  io.on('connection', (socket) => {
    socket.on(AGENT_SOCKET.subscribe, ({ serverId }: { serverId: string }, ack?: (v: unknown) => void) => {
      void socket.join(`server:${serverId}`);
      ack?.({ lines: [], state: 'running', stats: stats(serverId) });
    });
  });
  timers.push(
    setInterval(() => {
      for (const id of ids) io.to(`server:${id}`).emit(AGENT_SOCKET.stats, stats(id));
    }, 1000),
  );
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  return {
    port: (http.address() as AddressInfo).port,
    async close() {
      for (const t of timers) clearInterval(t);
      io.disconnectSockets(true);
      await io.close();
    },
  };
}
