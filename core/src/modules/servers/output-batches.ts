/**
 * Output lines that reach the panel for one server within one turn of the event loop leave as one
 * message. When a console is quiet a line goes out at once; under a flood, every viewer gets a few
 * larger frames instead of one per agent chunk, which is what lets one stream reach many viewers.
 *
 * Each message costs one socket write per viewer, and a write (a system call each) is what a
 * crowd costs the panel: 1,000 viewers of a console the agent sends 100 times a second took
 * 100,000 writes a second, half the panel's CPU in writev, and starved its HTTP requests. So a
 * server's messages are spaced to keep its writes within `writesPerSecond`: a handful of viewers
 * get every turn's batch at once, 1,000 viewers at the default get one batch every 100 ms.
 */
export class OutputBatches {
  private readonly pending = new Map<string, { event: string; serverId: string; lines: string[] }>();
  private readonly lastSent = new Map<string, number>();

  constructor(
    private readonly send: (event: string, serverId: string, lines: string[]) => void,
    private readonly viewersOf: (serverId: string) => number,
    private readonly writesPerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  add(event: string, serverId: string, lines: string[]): void {
    const key = `${event}\0${serverId}`;
    const batch = this.pending.get(key);
    if (batch) {
      batch.lines.push(...lines);
      return;
    }
    this.pending.set(key, { event, serverId, lines: [...lines] });
    const gapMs = (this.viewersOf(serverId) * 1000) / this.writesPerSecond;
    const waitMs = (this.lastSent.get(key) ?? -Infinity) + gapMs - this.now();
    // Under a millisecond a timer would wait a whole one: the end of this turn is soon enough.
    if (waitMs < 1) setImmediate(() => this.flush(key));
    else setTimeout(() => this.flush(key), waitMs);
  }

  /** A server nobody watches any more: forget when it last sent. */
  forget(serverId: string): void {
    for (const key of this.lastSent.keys()) if (key.endsWith(`\0${serverId}`)) this.lastSent.delete(key);
  }

  private flush(key: string): void {
    const batch = this.pending.get(key);
    if (!batch) return;
    this.pending.delete(key);
    this.lastSent.set(key, this.now());
    this.send(batch.event, batch.serverId, batch.lines);
  }
}
