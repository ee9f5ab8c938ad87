import type { SocketApiSpec } from '../../kernel/asyncapi.js';
import { serverStats } from '../../protocol/index.js';
import { PANEL_SOCKET } from './relay.js';
import {
  commandAck,
  commandPayload,
  linesMessage,
  nodeStatusMessage,
  stateMessage,
  subscribeAck,
  subscribePayload,
} from './socket-schema.js';

/** The `/servers` namespace: a server's live console, state and stats, and console commands. */
export const serversSocketApi: SocketApiSpec = {
  description:
    'Watch servers live and send console commands. Subscribe to a server to join its room; the panel then pushes its console lines, state changes, stats samples and install output until you unsubscribe or disconnect. Subscribing and commands need the control.console key on the server.',
  events: {
    [PANEL_SOCKET.subscribe]: {
      from: 'client',
      summary: 'Watch a server: its recent console in the acknowledgement, then live events',
      payload: subscribePayload,
      ack: subscribeAck,
    },
    [PANEL_SOCKET.unsubscribe]: { from: 'client', summary: 'Stop watching a server', payload: subscribePayload },
    [PANEL_SOCKET.command]: {
      from: 'client',
      summary: 'Send a console command to a running server',
      payload: commandPayload,
      ack: commandAck,
    },
    [PANEL_SOCKET.console]: { from: 'panel', summary: 'New console lines of a watched server', payload: linesMessage },
    [PANEL_SOCKET.state]: { from: 'panel', summary: 'A watched server changed state', payload: stateMessage },
    [PANEL_SOCKET.node]: {
      from: 'panel',
      summary: "The watched server's node stopped or started answering the panel (node_unreachable while it is down or lost)",
      payload: nodeStatusMessage,
    },
    [PANEL_SOCKET.stats]: {
      from: 'panel',
      summary: 'A stats sample of a watched running server (every few seconds)',
      payload: serverStats,
    },
    [PANEL_SOCKET.installOutput]: { from: 'panel', summary: "Output lines of a watched server's install script", payload: linesMessage },
  },
};
