/** Friendly names users pick, and the event-log types they stand for. */
export const FRIENDLY_EVENTS: Record<string, string> = {
  server_started: 'server.started',
  server_stopped: 'server.stopped',
  server_crashed: 'server.crashed',
  player_joined: 'player.joined',
  player_left: 'player.left',
  backup_created: 'backup.created',
  backup_failed: 'backup.failed',
  schedule_failed: 'schedule.failed',
};

export const EVENT_NAME = /^(?:[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*(?:\.\*)?|\*)$/;

/** Friendly names become event-log types; event-log types (or `prefix.*`) pass through. */
export function toLogType(name: string): string {
  return FRIENDLY_EVENTS[name] ?? name;
}

export function matchesAny(patterns: string[], type: string): boolean {
  return patterns.some((p) => p === '*' || (p.endsWith('.*') ? type.startsWith(p.slice(0, -1)) : p === type));
}
