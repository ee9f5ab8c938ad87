import Koa from 'koa';

// The list bench's baseline in its own process, as the panel is: Koa answering every request with
// the page of objects it was sent, serialised per request.
let body: unknown = null;
const app = new Koa();
app.use((ctx) => {
  ctx.body = body;
});
const server = app.listen(0, '127.0.0.1', () => process.send!({ type: 'ready', port: (server.address() as { port: number }).port }));
process.on('message', (m: { type: string; body?: unknown }) => {
  if (m.type === 'body') {
    body = m.body;
    process.send!({ type: 'body' });
  }
});
