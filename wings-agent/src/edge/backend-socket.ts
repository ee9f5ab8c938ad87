import { connect, type Socket } from 'node:net';

/** The most one read from the backend brings: libuv's own read size, so reads are not split. */
export const BACKEND_READ_BUFFER = 64 * 1024;
/** Where a connection starts: a slice of Node's shared pool, so an idle player costs no 64 KiB. */
const FIRST_READ_BUFFER = 2 * 1024;

/**
 * Connects to a server's backend and writes what it sends straight to the player's socket.
 *
 * The game's bulk direction is toward the player (chunks, resource packs). `pipe()` allocates a
 * new buffer for every read and passes it through the stream machinery, and the garbage it leaves
 * made the edge reach about half of a direct connection's throughput (bench/edge.ts). Here the
 * backend reads into one buffer of the connection's own, reused as long as the player's socket
 * takes each write at once (the usual case: the kernel copies it); a write the kernel did not
 * take whole keeps its bytes, so the next read gets a fresh buffer. Backpressure pauses the
 * backend until the player's socket drains, as `pipe()` did.
 */
export function connectBackend(target: { host: string; port: number }, player: Socket, writeBuffer: number): Socket {
  let buffer = Buffer.allocUnsafe(FIRST_READ_BUFFER);
  const backend: Socket = connect({
    host: target.host,
    port: target.port,
    // highWaterMark is a socket option since Node 18.17 that @types/node 20 does not list yet.
    ...({ highWaterMark: writeBuffer } as object),
    onread: {
      buffer: () => buffer,
      callback: (size: number, filled: Uint8Array) => {
        const more = player.write(filled.subarray(0, size));
        // A write still queued keeps its bytes; a read that filled the small first buffer means bulk.
        const grow = size === filled.length && filled.length < BACKEND_READ_BUFFER;
        if (player.writableLength > 0 || grow) buffer = Buffer.allocUnsafe(BACKEND_READ_BUFFER);
        if (!more) {
          backend.pause();
          player.once('drain', () => backend.resume());
        }
        return more;
      },
    },
  });
  backend.once('end', () => player.end());
  return backend;
}
