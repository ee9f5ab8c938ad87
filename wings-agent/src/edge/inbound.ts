import type { Socket } from 'node:net';

export type Parse<T> = (buf: Buffer) => { value: T; size: number } | 'incomplete' | 'invalid';

/** Why a client was dropped before it reached a backend; logged at debug level. */
export class Dropped extends Error {}

/**
 * The bytes a client sent before the proxy knows where they go, read packet by packet against a
 * deadline, so a client that trickles bytes or sends garbage costs one timer and a small buffer.
 */
export class Inbound {
  private buffered: Buffer = Buffer.alloc(0);
  /** Everything taken so far: replayed to the backend when the client is forwarded. */
  private taken: Buffer[] = [];
  private waiter: (() => void) | null = null;
  private ended = false;

  constructor(
    private readonly socket: Socket,
    private readonly maxBuffered: number,
  ) {
    socket.on('data', this.onData);
    socket.once('close', this.onEnd);
    socket.once('end', this.onEnd);
  }

  /** Waits until `parse` finds a whole value at the front, then consumes it. */
  async take<T>(parse: Parse<T>, deadline: number): Promise<T> {
    for (;;) {
      const result = parse(this.buffered);
      if (result === 'invalid') throw new Dropped('invalid bytes');
      if (result !== 'incomplete') {
        this.taken.push(this.buffered.subarray(0, result.size));
        this.buffered = this.buffered.subarray(result.size);
        return result.value;
      }
      if (this.ended) throw new Dropped('closed before a whole packet');
      if (this.buffered.length >= this.maxBuffered) throw new Dropped('too many bytes without a whole packet');
      await this.more(deadline);
    }
  }

  /** Gives up waiting `ms` after now for whatever has arrived; for the legacy ping's optional tail. */
  async settle(ms: number): Promise<Buffer> {
    await this.more(Date.now() + ms).catch(() => undefined);
    return this.buffered;
  }

  /** Stops reading: returns every byte received (taken and not), for the backend. */
  release(): Buffer {
    this.socket.pause();
    this.socket.off('data', this.onData);
    this.socket.off('close', this.onEnd);
    this.socket.off('end', this.onEnd);
    return Buffer.concat([...this.taken, this.buffered]);
  }

  private more(deadline: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.waiter = null;
          reject(new Dropped('deadline passed'));
        },
        Math.max(0, deadline - Date.now()),
      );
      this.waiter = () => {
        clearTimeout(timer);
        this.waiter = null;
        resolve();
      };
    });
  }

  private readonly onData = (chunk: Buffer) => {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    this.waiter?.();
  };

  private readonly onEnd = () => {
    this.ended = true;
    this.waiter?.();
  };
}
