import type { Namespace } from 'socket.io';

export interface SlowViewerLimits {
  /** Packets waiting in a viewer's engine.io queue before its console output is skipped. */
  maxQueued: number;
  /** How long a viewer may stay that far behind before it is disconnected. */
  dropAfterMs: number;
}

export const SLOW_VIEWER_LIMITS: SlowViewerLimits = { maxQueued: 64, dropAfterMs: 5000 };

/**
 * Console output goes to many viewers at once; one that stops reading (a stalled tab, a bad
 * network) would otherwise make the panel queue everything for it without bound. A viewer whose
 * queue is full is skipped (it misses lines, never the others' stream), and one that stays full
 * is disconnected: its page reconnects and gets the recent lines again.
 */
export class SlowViewers {
  private readonly behindSince = new Map<string, number>();

  constructor(
    private readonly limits: SlowViewerLimits = SLOW_VIEWER_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The socket ids in the room to leave out of this emit; disconnects those behind for too long. */
  toSkip(namespace: Namespace, room: string): string[] {
    const ids = namespace.adapter.rooms.get(room);
    if (!ids) return [];
    const skip: string[] = [];
    for (const id of ids) {
      const socket = namespace.sockets.get(id);
      // engine.io keeps what the transport could not take yet in writeBuffer.
      const queued = (socket?.conn as unknown as { writeBuffer?: unknown[] } | undefined)?.writeBuffer?.length ?? 0;
      if (!socket || queued < this.limits.maxQueued) {
        this.behindSince.delete(id);
        continue;
      }
      skip.push(id);
      const since = this.behindSince.get(id) ?? this.now();
      this.behindSince.set(id, since);
      if (this.now() - since >= this.limits.dropAfterMs) {
        this.behindSince.delete(id);
        socket.disconnect(true);
      }
    }
    return skip;
  }

  forget(socketId: string): void {
    this.behindSince.delete(socketId);
  }
}
