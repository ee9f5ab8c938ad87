import { io as connect, type Socket } from 'socket.io-client';

// Many viewers of one console, in their own process so their sockets do not share the panel's loop.
const [url, token, serverId, countArg] = process.argv.slice(2) as [string, string, string, string];
const sockets: Socket[] = [];
let lines = 0;
let dropped = 0;
async function join(): Promise<void> {
  const socket = connect(`${url}/servers`, { transports: ['websocket'], auth: { token }, forceNew: true, reconnection: false });
  socket.on('server:console', (m: { lines: string[] }) => (lines += m.lines.length));
  socket.on('disconnect', (reason) => {
    if (reason === 'io server disconnect') dropped++;
  });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  await socket.emitWithAck('server:subscribe', { serverId });
  sockets.push(socket);
}
// Fifty at a time: a thousand one after another took minutes against a busy panel.
for (let i = 0; i < Number(countArg); i += 50) await Promise.all(Array.from({ length: Math.min(50, Number(countArg) - i) }, join));
process.send!({ type: 'ready' });
process.on('message', (m: { type: string }) => {
  if (m.type === 'reset') lines = 0;
  if (m.type === 'report') process.send!({ type: 'report', lines, dropped, connected: sockets.filter((s) => s.connected).length });
  if (m.type === 'close') {
    for (const s of sockets) s.close();
    process.exit(0);
  }
});
