import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AgentEvent, AgentEventType } from '@conductor/core/protocol';

/**
 * Append-only record of what happened on this node, one JSON line per event with a sequence
 * number. The panel stores events and asks for everything after the last sequence it has, so an
 * event that happens while the panel is away, or just before the agent restarts, is not lost.
 */
export class EventJournal {
  private readonly file: string;
  private seq = 0;
  private recent: AgentEvent[] = [];
  private readonly listeners = new Set<(event: AgentEvent) => void>();

  constructor(
    dataDir: string,
    private readonly keep = 10_000,
  ) {
    mkdirSync(dataDir, { recursive: true });
    this.file = path.join(dataDir, 'events.jsonl');
    if (existsSync(this.file)) {
      const text = readFileSync(this.file, 'utf8');
      // A crash mid-write leaves a torn last line: end it, so the next event starts a line of its own.
      if (text.length && !text.endsWith('\n')) appendFileSync(this.file, '\n');
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        try {
          const event = JSON.parse(line) as AgentEvent;
          this.seq = Math.max(this.seq, event.seq);
          this.recent.push(event);
        } catch {
          // A torn last line from a crash mid-write: the events before it are intact.
        }
      }
      this.recent = this.recent.slice(-keep);
    }
  }

  record(type: AgentEventType, serverId: string, data: Record<string, unknown> = {}): AgentEvent {
    const event: AgentEvent = { seq: ++this.seq, type, serverId, at: new Date().toISOString(), data };
    appendFileSync(this.file, `${JSON.stringify(event)}\n`);
    this.recent.push(event);
    if (this.recent.length > this.keep * 1.2) this.recent = this.recent.slice(-this.keep);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  get lastSeq(): number {
    return this.seq;
  }

  lastFor(serverId: string): AgentEvent | undefined {
    for (let i = this.recent.length - 1; i >= 0; i--) if (this.recent[i]!.serverId === serverId) return this.recent[i];
    return undefined;
  }

  /** This server's events among the recent ones, oldest first. */
  forServer(serverId: string): AgentEvent[] {
    return this.recent.filter((e) => e.serverId === serverId);
  }

  since(seq: number, limit = 1000): AgentEvent[] {
    return this.recent.filter((e) => e.seq > seq).slice(0, limit);
  }

  onEvent(listener: (event: AgentEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
