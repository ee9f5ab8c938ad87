import { reactive } from 'vue';
import { subscribeServer } from '../../api/servers-socket.js';
import type { NodeStatus, ServerState, ServerStats } from '../../lib/types.js';

const HOUR_MS = 3_600_000;
const MAX_LINES = 1000;

export interface LiveServer {
  state: ServerState | null;
  /** Set when the panel says the server's node stopped or started answering; null until it does. */
  nodeStatus: NodeStatus | null;
  stats: ServerStats | null;
  /** Samples of the last hour, oldest first; the charts read them. */
  samples: ServerStats[];
  /** Recent console lines, so a tab opened later starts with history. */
  lines: string[];
  error: { code: string; message: string } | null;
  /** For the console: lines as they arrive. */
  listeners: Set<(lines: string[]) => void>;
  stop(): void;
}

/** Subscribes to a server's feed; the server page owns it and passes it to its tabs. */
export function followServer(serverId: string): LiveServer {
  const live: LiveServer = reactive({
    state: null,
    nodeStatus: null,
    stats: null,
    samples: [],
    lines: [],
    error: null,
    listeners: new Set(),
    stop: () => undefined,
  }) as LiveServer;
  const addLines = (lines: string[]) => {
    live.lines.push(...lines);
    if (live.lines.length > MAX_LINES) live.lines.splice(0, live.lines.length - MAX_LINES);
    for (const l of live.listeners) l(lines);
  };
  const addStats = (stats: ServerStats) => {
    live.stats = stats;
    live.samples.push(stats);
    const cutoff = Date.now() - HOUR_MS;
    while (live.samples.length && Date.parse(live.samples[0]!.at) < cutoff) live.samples.shift();
  };
  live.stop = subscribeServer(
    serverId,
    { onConsole: addLines, onStats: addStats, onState: (s) => (live.state = s), onNode: (n) => (live.nodeStatus = n) },
    (ack) => {
      if ('error' in ack) {
        live.error = ack.error;
        return;
      }
      live.error = null;
      live.state = ack.state;
      if (ack.stats) addStats(ack.stats);
      // A re-subscribe after a reconnect sends the history again: start over rather than repeat it.
      live.lines.splice(0);
      for (const l of live.listeners) l(['\u001bc']);
      if (ack.lines.length) addLines(ack.lines);
    },
  );
  return live;
}
