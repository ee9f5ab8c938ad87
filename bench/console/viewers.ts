import WebSocket from 'ws';

/**
 * Many viewers of one console, in their own process so their sockets do not share the panel's loop.
 * Each speaks socket.io's wire format over a bare `ws` socket and counts lines without decoding
 * the frames: with socket.io-client, a thousand clients decoding every frame in one process took
 * more CPU than the machine had left, so the bench measured the crowd, not the panel's fan-out.
 * (One viewer with the real client, in bench/console.ts, times the lines.)
 */
const [url, token, serverId, countArg] = process.argv.slice(2) as [string, string, string, string];
const NAMESPACE = '/servers';
const sockets: WebSocket[] = [];
/** Lines each viewer received since the last reset. */
const received = new Map<WebSocket, number>();
let dropped = 0;

/** Firehose lines start with `line ` (console-firehose.ts); a frame carries a batch of them. */
function countLines(frame: string): number {
  let n = 0;
  for (let at = frame.indexOf('"line '); at !== -1; at = frame.indexOf('"line ', at + 6)) n++;
  return n;
}

function join(): Promise<void> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
  return new Promise<void>((resolve, reject) => {
    let subscribed = false;
    const subscribe = () => socket.send(`42${NAMESPACE},0${JSON.stringify(['server:subscribe', { serverId }])}`);
    socket.on('message', (data: Buffer) => {
      const frame = data.toString();
      if (frame === '2') return socket.send('3'); // engine.io ping
      if (frame.startsWith('0')) return socket.send(`40${NAMESPACE},${JSON.stringify({ token })}`);
      if (frame.startsWith(`40${NAMESPACE},`)) return subscribe();
      if (frame.startsWith(`43${NAMESPACE},0`)) {
        // All viewers share the bench's one API key, and the panel allows one person 60
        // subscriptions a second: a refused one is asked again when the window has passed.
        const refused = (JSON.parse(frame.slice(`43${NAMESPACE},0`.length)) as [{ error?: { code: string } }])[0].error;
        if (refused?.code === 'rate_limited') return void setTimeout(subscribe, 1000);
        if (refused) return reject(new Error(`refused: ${frame}`));
        subscribed = true;
        sockets.push(socket);
        return resolve();
      }
      if (frame.startsWith(`44${NAMESPACE},`)) return reject(new Error(`refused: ${frame}`));
      if (subscribed) received.set(socket, (received.get(socket) ?? 0) + countLines(frame));
    });
    socket.on('close', () => {
      if (subscribed) dropped++;
    });
    socket.on('error', reject);
  });
}

// Fifty at a time: a thousand one after another took minutes against a busy panel.
for (let i = 0; i < Number(countArg); i += 50) await Promise.all(Array.from({ length: Math.min(50, Number(countArg) - i) }, join));
process.send!({ type: 'ready' });
process.on('message', (m: { type: string }) => {
  if (m.type === 'reset') received.clear();
  if (m.type === 'report') {
    const counts = sockets.map((s) => received.get(s) ?? 0);
    process.send!({
      type: 'report',
      lines: counts.reduce((a, b) => a + b, 0),
      fewest: Math.min(...counts),
      dropped,
      connected: sockets.filter((s) => s.readyState === WebSocket.OPEN).length,
    });
  }
  if (m.type === 'close') {
    for (const s of sockets) s.close();
    process.exit(0);
  }
});
