import type { Server as SocketServer } from 'socket.io';
import type { Logger } from './logger.js';

/**
 * Several panels on one PostgreSQL: a broadcast to a room (a backup's or an install's progress)
 * reaches the sockets of every panel, through PostgreSQL's LISTEN/NOTIFY (no other server to run).
 * Payloads over NOTIFY's 8000 bytes go through the `socket_io_attachments` table (a core
 * migration). Set before namespaces are made: socket.io gives each namespace the adapter it has then.
 */
export async function joinSocketCluster(io: SocketServer, databaseUrl: string, logger: Logger): Promise<{ close(): Promise<void> }> {
  // Loaded here, not at start: a panel on SQLite needs neither (about 3 MB of its memory).
  const [{ createAdapter }, { default: pg }] = await Promise.all([import('@socket.io/postgres-adapter'), import('pg')]);
  // Its own small pool: one connection holds LISTEN, one sends NOTIFY and reads attachments.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const log = logger.child({ component: 'socket-cluster' });
  pool.on('error', (err) => log.warn({ err }, 'a socket cluster connection failed; it reconnects'));
  io.adapter(createAdapter(pool, { errorHandler: (err) => log.warn({ err }, 'a socket cluster message failed') }));
  return { close: () => pool.end() };
}
