import { expect } from 'chai';
import { z } from 'zod';
import { definePlugin, defineEvents, EventPayloadError, type EventDataOf } from '@conductor/core';
import { DATABASES, startPanel, type TestPanel } from '@conductor/test';

const shopEvents = defineEvents({
  'shop.order_paid': {
    description: 'A customer paid an order',
    data: z.strictObject({ orderId: z.string(), cents: z.number().int().min(0) }),
  },
});

declare module '@conductor/core' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface EventTypes extends EventDataOf<typeof shopEvents> {}
}

/** A plugin that declares an event and has a subscriber that sees its typed data. */
function shopPlugin(seen: Array<{ orderId: string; cents: number }>) {
  return definePlugin({
    manifest: { name: 'shop', version: '1.0.0' },
    events: shopEvents,
    register(ctx) {
      ctx.subscribe('shop.ledger', {
        types: ['shop.order_paid'],
        from: 'now',
        // Typed: data is { orderId: string; cents: number } without a cast.
        handler: (event) => void seen.push({ orderId: event.data.orderId, cents: event.data.cents }),
      });
    },
  });
}

for (const database of DATABASES) {
  describe(`typed events (${database})`, () => {
    let panel: TestPanel | null = null;
    afterEach(async () => {
      await panel?.close();
      panel = null;
    });

    it('refuses an event whose data does not match its declared schema at append, and stores nothing', async () => {
      const seen: Array<{ orderId: string; cents: number }> = [];
      panel = await startPanel({ database, plugins: [shopPlugin(seen)] });
      const bad = [
        { data: { orderId: 'o-1', cents: -5 }, where: 'data.cents' },
        { data: { orderId: 'o-1' }, where: 'data.cents' },
        { data: { orderId: 'o-1', cents: 5, coupon: 'FREE' }, where: 'data' },
        { data: { server: 's-1', to: 'asleep' }, where: 'data', type: 'server.phase_changed' },
      ];
      for (const { data, where, type } of bad) {
        let error: unknown;
        try {
          await panel.kernel.events.record({ type: type ?? 'shop.order_paid', data } as never);
        } catch (err) {
          error = err;
        }
        expect(error, JSON.stringify(data)).to.be.instanceOf(EventPayloadError);
        const owner = type ? 'servers' : 'shop';
        expect((error as Error).message).to.match(
          new RegExp(
            `^event "${type ?? 'shop.order_paid'}" \\(declared by plugin "${owner}"\\) has a bad payload at ${where.replace('.', '\\.')}`,
          ),
        );
      }
      await panel.kernel.events.record({ type: 'shop.order_paid', data: { orderId: 'o-2', cents: 250 } });
      await panel.kernel.events.record({
        type: 'server.phase_changed',
        serverId: 's-1',
        data: { from: 'active', to: 'sleep', reason: 'idle_timeout' },
      });
      const stored = await panel.request('GET', '/api/events?type=shop.*,server.phase_changed');
      expect(stored.body.events.map((e: { type: string; data: unknown }) => [e.type, e.data])).to.deep.equal([
        ['shop.order_paid', { orderId: 'o-2', cents: 250 }],
        ['server.phase_changed', { from: 'active', to: 'sleep', reason: 'idle_timeout' }],
      ]);
      await panel.kernel.dispatcher.drain();
      expect(seen).to.deep.equal([{ orderId: 'o-2', cents: 250 }]);
    });

    it('lists the declared event types with their owners and JSON Schemas, documented in OpenAPI', async () => {
      panel = await startPanel({ database, plugins: [shopPlugin([])] });
      const res = await panel.request('GET', '/api/events/types');
      expect(res.status).to.equal(200);
      type View = { type: string; owner: string; description: string; schema: { properties: Record<string, unknown> } };
      const byType = Object.fromEntries((res.body.types as View[]).map((t) => [t.type, t]));
      expect(byType['shop.order_paid']!).to.deep.include({ owner: 'shop', description: 'A customer paid an order' });
      expect(byType['shop.order_paid']!.schema).to.deep.include({
        type: 'object',
        required: ['orderId', 'cents'],
        additionalProperties: false,
      });
      expect(byType['server.phase_changed']!.owner).to.equal('servers');
      expect(byType['server.phase_changed']!.schema.properties.to).to.deep.include({ enum: ['active', 'sleep', 'archived'] });
      for (const type of ['node.down', 'server.crashed', 'player.joined', 'server.created', 'template.created'])
        expect(byType, type).to.have.property(type);
      expect(res.body.types.map((t: { type: string }) => t.type)).to.deep.equal(Object.keys(byType).sort());
      const openapi = (await panel.request('GET', '/api/openapi.json')).body;
      expect(openapi.paths['/api/events/types'].get.summary).to.match(/event types/);
      expect((await panel.request('GET', '/api/events/types', { auth: false })).status).to.equal(401);
    });
  });
}
