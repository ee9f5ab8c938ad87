import Koa from 'koa';
import { ITEMS } from './items.js';

// The baseline: Koa with nothing but the route.
const app = new Koa();
app.use((ctx) => {
  if (ctx.path === '/api/bench/items') ctx.body = { items: ITEMS.slice(0, Number(ctx.query.limit ?? 50)) };
});
const server = app.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as { port: number }).port });
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
