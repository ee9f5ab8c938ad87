import type { AgentEvent } from '@conductor/core/protocol';

/**
 * Who the journal last said was on a server: joins minus leaves since it last started. An agent
 * that restarts starts from this, so a player who was in before the restart and leaves after it
 * is reported as leaving.
 */
export function onlineByJournal(events: readonly AgentEvent[]): Set<string> {
  const online = new Set<string>();
  for (const event of events) {
    if (event.type === 'server.starting' || event.type === 'server.stopped' || event.type === 'server.crashed') online.clear();
    const name = typeof event.data.name === 'string' ? event.data.name : null;
    if (!name) continue;
    if (event.type === 'player.joined') online.add(name);
    else if (event.type === 'player.left') online.delete(name);
  }
  return online;
}

/**
 * The console lines of a `docker logs` answer asked with timestamps that the game printed after
 * `after` and before `before`, without their timestamps: what it said while no agent listened.
 */
export function linesBetween(text: string, after: Date, before: Date): string[] {
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ');
    if (space < 0) continue;
    // RFC 3339 with nanoseconds; Date keeps milliseconds, enough next to the journal's own times.
    const at = Date.parse(line.slice(0, space));
    if (Number.isNaN(at) || at <= after.getTime() || at >= before.getTime()) continue;
    lines.push(line.slice(space + 1));
  }
  return lines;
}
