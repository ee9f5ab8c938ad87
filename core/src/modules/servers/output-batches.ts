/**
 * Output lines that reach the panel for one server within one turn of the event loop leave as one
 * message. When a console is quiet a line goes out at once; under a flood, every viewer gets a few
 * larger frames instead of one per agent chunk, which is what lets one stream reach many viewers.
 */
export class OutputBatches {
  private readonly pending = new Map<string, { event: string; serverId: string; lines: string[] }>();
  private scheduled = false;

  constructor(private readonly send: (event: string, serverId: string, lines: string[]) => void) {}

  add(event: string, serverId: string, lines: string[]): void {
    const key = `${event}\0${serverId}`;
    const batch = this.pending.get(key);
    if (batch) batch.lines.push(...lines);
    else this.pending.set(key, { event, serverId, lines: [...lines] });
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const batches = [...this.pending.values()];
    this.pending.clear();
    for (const b of batches) this.send(b.event, b.serverId, b.lines);
  }
}
