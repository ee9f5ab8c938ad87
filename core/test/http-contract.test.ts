import { compileErrors, validate } from '@readme/openapi-parser';
import { expect } from 'chai';
import { io as connect } from 'socket.io-client';
import { z } from 'zod';
import { AppError, definePlugin } from '@conductor/core';
import { ADMIN_TOKEN, startPanel, type TestPanel } from '@conductor/test';

const items = z.array(z.object({ id: z.number().int(), name: z.string() }));

const probe = definePlugin({
  manifest: { name: 'probe', version: '1.0.0' },
  routes(r) {
    r.route({
      method: 'post',
      path: '/servers/:id/rename',
      summary: 'Rename (a probe for the error contract)',
      access: 'user',
      params: z.object({ id: z.string().regex(/^[a-z0-9-]+$/) }),
      body: z.object({ name: z.string().min(1).max(20) }),
      response: { schema: z.object({ id: z.string(), name: z.string(), requestId: z.string() }) },
      handler: ({ params, body, scope }) => ({ id: params.id, name: body.name, requestId: scope.cradle.requestId }),
    });
    r.route({
      method: 'get',
      path: '/items',
      summary: 'A list',
      access: 'public',
      query: z.object({ limit: z.coerce.number().int().min(1).max(50).default(50) }),
      response: { schema: z.object({ items }) },
      handler: ({ query }) => ({ items: Array.from({ length: query.limit }, (_, i) => ({ id: i, name: `item ${i}` })) }),
    });
    r.route({
      method: 'get',
      path: '/conflict',
      summary: 'Always a conflict',
      access: 'public',
      response: {},
      handler: () => {
        throw new AppError(409, 'server_busy', 'The server is installing');
      },
    });
    r.route({
      method: 'get',
      path: '/bug',
      summary: 'A programming error',
      access: 'public',
      response: {},
      handler: () => {
        throw new TypeError('cannot read properties of undefined');
      },
    });
    r.route({
      method: 'get',
      path: '/admin-only',
      summary: 'Admins only',
      access: 'admin',
      response: {},
      handler: ({ ctx }) => {
        ctx.body = { ok: true };
      },
    });
    r.route({
      method: 'post',
      path: '/big',
      summary: 'Takes up to 100 bytes',
      access: 'public',
      bodyLimit: '100b',
      body: z.object({ text: z.string() }),
      response: { schema: z.object({ length: z.number() }) },
      handler: ({ body }) => ({ length: body.text.length }),
    });
  },
  sockets(namespace) {
    namespace.on('connection', (socket) => {
      socket.on('whoami', (ack: (v: unknown) => void) => ack({ id: (socket.data as { principal: { id: string } }).principal.id }));
    });
  },
});

describe('HTTP contract', () => {
  let panel: TestPanel;
  before(async () => {
    panel = await startPanel({ database: 'sqlite', plugins: [probe], config: { BODY_LIMIT: '2kb' } });
  });
  after(() => panel.close());

  it('serves /healthz and /readyz', async () => {
    expect((await panel.request('GET', '/healthz', { auth: false })).body).to.deep.equal({ status: 'ok' });
    expect((await panel.request('GET', '/readyz', { auth: false })).body).to.deep.equal({ status: 'ready' });
  });

  it('answers an unknown route with a JSON 404 and a request id', async () => {
    const res = await panel.request('GET', '/api/nothing/here');
    expect(res.status).to.equal(404);
    expect(res.body).to.deep.equal({ error: { code: 'not_found', message: 'No route for GET /api/nothing/here' } });
    expect(res.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
  });

  it('echoes a sane incoming request id and writes it in the request log line', async () => {
    const res = await panel.request('POST', '/api/probe/servers/alpha/rename', {
      body: { name: 'Lobby' },
      headers: { 'x-request-id': 'trace-42' },
    });
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ id: 'alpha', name: 'Lobby', requestId: 'trace-42' });
    expect(res.headers.get('x-request-id')).to.equal('trace-42');
    const line = panel.logs.lines.find((l) => l.reqId === 'trace-42' && l.msg === 'request');
    expect(line).to.deep.include({ method: 'POST', status: 200, url: '/api/probe/servers/alpha/rename' });
  });

  it('replaces an incoming request id that could forge log lines', async () => {
    const res = await panel.request('GET', '/healthz', { headers: { 'x-request-id': 'forged" level=error <x>' } });
    expect(res.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
  });

  it('rejects invalid input with 400 validation_failed naming the field, and runs no handler', async () => {
    const res = await panel.request('POST', '/api/probe/servers/alpha/rename', { body: { name: '' } });
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('validation_failed');
    expect(res.body.error.details[0]).to.deep.include({ in: 'body', path: 'name' });
    const params = await panel.request('POST', '/api/probe/servers/ALPHA!/rename', { body: { name: 'x' } });
    expect(params.status).to.equal(400);
    expect(params.body.error.details[0]).to.deep.include({ in: 'params', path: 'id' });
    const query = await panel.request('GET', '/api/probe/items?limit=500');
    expect(query.status).to.equal(400);
    expect(query.body.error.details[0]).to.deep.include({ in: 'query', path: 'limit' });
  });

  it('rejects malformed JSON with 400 invalid_json and a non-JSON body with 415', async () => {
    const bad = await panel.request('POST', '/api/probe/servers/alpha/rename', {
      rawBody: '{"name":',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('invalid_json');
    const text = await panel.request('POST', '/api/probe/servers/alpha/rename', {
      rawBody: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(text.status).to.equal(415);
    expect(text.body.error.code).to.equal('unsupported_media_type');
  });

  it('rejects a body over the limit with 413, per kernel default and per route', async () => {
    const huge = await panel.request('POST', '/api/probe/servers/alpha/rename', { body: { name: 'x'.repeat(5000) } });
    expect(huge.status).to.equal(413);
    expect(huge.body.error.code).to.equal('payload_too_large');
    const perRoute = await panel.request('POST', '/api/probe/big', { body: { text: 'y'.repeat(200) } });
    expect(perRoute.status).to.equal(413);
    expect((await panel.request('POST', '/api/probe/big', { body: { text: 'ok' } })).body).to.deep.equal({ length: 2 });
  });

  it('passes an AppError through with its status and code', async () => {
    const res = await panel.request('GET', '/api/probe/conflict');
    expect(res.status).to.equal(409);
    expect(res.body).to.deep.equal({ error: { code: 'server_busy', message: 'The server is installing' } });
  });

  it('hides a programming error behind 500 internal_error that quotes the request id, and logs the stack', async () => {
    const res = await panel.request('GET', '/api/probe/bug');
    expect(res.status).to.equal(500);
    expect(res.body.error.code).to.equal('internal_error');
    const id = res.headers.get('x-request-id')!;
    expect(res.body.error.message).to.contain(id);
    expect(JSON.stringify(res.body)).to.not.contain('cannot read properties');
    const logged = panel.logs.lines.find((l) => l.reqId === id && l.msg === 'unhandled error') as { err?: { stack?: string } } | undefined;
    expect(logged?.err?.stack).to.contain('TypeError');
  });

  it('answers 401 without credentials, 401 with a wrong token, 405 for a wrong method', async () => {
    const none = await panel.request('GET', '/api/admin/plugins', { auth: false });
    expect(none.status).to.equal(401);
    expect(none.body.error.code).to.equal('unauthenticated');
    const wrong = await panel.request('GET', '/api/admin/plugins', { headers: { authorization: `Bearer ${ADMIN_TOKEN}x` } });
    expect(wrong.status).to.equal(401);
    const method = await panel.request('DELETE', '/api/probe/items');
    expect(method.status).to.equal(405);
    expect(method.body.error.code).to.equal('method_not_allowed');
  });

  it('serves a valid OpenAPI 3.1 document that every route contributed to', async () => {
    const res = await panel.request('GET', '/api/openapi.json', { auth: false });
    expect(res.status).to.equal(200);
    const doc = res.body;
    expect(doc.openapi).to.equal('3.1.0');
    const result = await validate(structuredClone(doc));
    expect(result.valid, result.valid ? '' : compileErrors(result)).to.equal(true);
    expect(doc.paths['/api/probe/servers/{id}/rename'].post.requestBody.content['application/json'].schema.properties.name).to.deep.include(
      { type: 'string', maxLength: 20 },
    );
    expect(doc.paths['/api/probe/items'].get.parameters[0]).to.deep.include({ name: 'limit', in: 'query' });
    for (const path of ['/api/admin/plugins', '/api/events', '/healthz', '/readyz']) expect(doc.paths).to.have.property(path);
  });

  describe('socket.io', () => {
    it('refuses a connection nobody vouches for', async () => {
      const socket = connect(`${panel.url}/probe`, { transports: ['websocket'], reconnection: false });
      const error = await new Promise<Error & { data?: { code: string } }>((resolve) => socket.on('connect_error', resolve));
      socket.close();
      expect(error.data?.code).to.equal('unauthenticated');
    });

    it('accepts a connection the auth hook vouches for and gives handlers its principal', async () => {
      const socket = connect(`${panel.url}/probe`, { transports: ['websocket'], reconnection: false, auth: { token: ADMIN_TOKEN } });
      try {
        await new Promise<void>((resolve, reject) => {
          socket.on('connect', resolve);
          socket.on('connect_error', reject);
        });
        const me = await socket.timeout(2000).emitWithAck('whoami');
        expect(me).to.deep.equal({ id: 'operator' });
      } finally {
        socket.close();
      }
    });
  });
});
