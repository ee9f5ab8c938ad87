import { io as connect } from 'socket.io-client';

/**
 * The flooding client, in a process of its own (forked by the test, which sends the order): its
 * own encoding of 10,000 packets must not count as the panel's stall, as it would not in real life.
 * It reports 'sent' once every packet is written, then what came back (FloodOutcome) when every
 * command is answered or the panel closes the connection.
 */
export interface FloodOrder {
  url: string;
  cookie: string;
  serverId: string;
  total: number;
}

export interface FloodReply {
  ok?: true;
  error?: { code: string; message: string; retryAfterMs?: number };
}

/** What the client saw: the acknowledgements that came, `refused` events, and why it ended. */
export interface FloodOutcome {
  replies: FloodReply[];
  refused: Array<{ code: string; message: string; event: string; closed?: boolean }>;
  ended: string;
}

const send = (message: unknown) => process.send!(message);

function flood(order: FloodOrder): void {
  const socket = connect(`${order.url}/servers`, {
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: { cookie: order.cookie },
  });
  socket.on('connect_error', (err) => send({ failed: err.message }));
  const outcome: FloodOutcome = { replies: [], refused: [], ended: '' };
  const finish = (ended: string) => {
    if (outcome.ended) return;
    outcome.ended = ended;
    socket.close();
    send(outcome);
  };
  socket.on('refused', (r: FloodOutcome['refused'][number]) => outcome.refused.push(r));
  socket.on('disconnect', (reason) => finish(reason));
  socket.on('connect', () => {
    for (let i = 0; i < order.total; i++) {
      socket.emit('server:command', { serverId: order.serverId, command: `say flood ${i}` }, (reply: FloodReply) => {
        outcome.replies.push(reply);
        if (outcome.replies.length === order.total) finish('every command answered');
      });
    }
    send('sent');
  });
}

process.once('message', (order: FloodOrder) => flood(order));
