import { Parser } from '@asyncapi/parser';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import type { Socket } from 'socket.io-client';
import { DATABASES, startNodeFor, testImage, until, type TestNode } from '@conductor/test';
import { openSocket, startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';
import { deleteAllServers } from './server-fixtures.js';

interface Message {
  name: string;
  payload: Record<string, unknown>;
}

/**
 * The socket API is documented (AsyncAPI at /api/asyncapi.json), and what the panel really sends
 * on `/servers` (pushed events and acknowledgements) matches the documented payloads.
 */
for (const database of DATABASES) {
  describe(`the /servers socket API as documented (${database})`, function () {
    this.timeout(120_000);
    let t: AccountsPanel;
    let node: TestNode;

    before(async () => {
      await testImage();
      t = await startAccountsPanel(database);
      node = await startNodeFor(t.panel, { name: 'sockets' });
    });
    after(async () => {
      await deleteAllServers(t.panel);
      await t.close();
      await node.close();
    });

    it('serves a valid AsyncAPI document, and every frame the socket sends matches it', async () => {
      const res = await t.panel.request('GET', '/api/asyncapi.json', { auth: false });
      expect(res.status).to.equal(200);
      const doc = res.body;
      const { diagnostics } = await new Parser().parse(JSON.stringify(doc));
      const errors = diagnostics.filter((d) => d.severity === 0);
      expect(errors.map((d) => `${d.path.join('.')}: ${d.message}`)).to.deep.equal([]);
      expect(doc.channels.servers.address).to.equal('/servers');
      const messages = Object.values(doc.components.messages as Record<string, Message>);
      const documented = (name: string) => messages.find((m) => m.name === name)?.payload;
      for (const event of [
        'server:subscribe',
        'server:unsubscribe',
        'server:command',
        'server:console',
        'server:state',
        'server:stats',
        'server:install-output',
        'refused',
      ]) {
        expect(documented(event), event).to.be.an('object');
      }
      expect(doc.operations['servers.server_command']).to.deep.include({ action: 'receive', 'x-permission': 'control.console' });

      // Every frame, as it arrives, against the payload the document gives for its event.
      const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
      const seen = new Map<string, number>();
      const check = (name: string, frame: unknown) => {
        const schema = documented(name);
        expect(schema, `${name} is documented`).to.be.an('object');
        const valid = ajv.validate(schema!, frame);
        expect(valid, `${name}: ${ajv.errorsText()} in ${JSON.stringify(frame).slice(0, 300)}`).to.equal(true);
        seen.set(name, (seen.get(name) ?? 0) + 1);
      };
      const watch = (socket: Socket) => socket.onAny((event: string, frame: unknown) => check(event, frame));

      const owner = await t.createUser(`owner-${database}@example.org`);
      const browser = await t.signIn(owner.email);
      const server = (await browser.post('/api/servers', { name: 'Sockets', templateId: 'conductor-test' })).body;
      const socket = await openSocket(t, browser, '/servers');
      watch(socket);
      const payload = { serverId: server.id };
      check('server:subscribe', payload);
      check('server:subscribe (acknowledgement)', await socket.timeout(10_000).emitWithAck('server:subscribe', payload));

      expect((await browser.post(`/api/servers/${server.id}/power/start`)).status).to.equal(200);
      await until(
        'the server running and a stats sample',
        async () => (seen.get('server:stats') ?? 0) > 0 && (seen.get('server:state') ?? 0) > 0,
        60_000,
      );
      const command = { serverId: server.id, command: 'say documented' };
      check('server:command', command);
      check('server:command (acknowledgement)', await socket.timeout(10_000).emitWithAck('server:command', command));
      const refusedCommand = await socket.timeout(10_000).emitWithAck('server:command', { serverId: server.id, command: 'two\nlines' });
      check('server:command (acknowledgement)', refusedCommand);
      expect(refusedCommand.error.code).to.equal('validation_failed');

      // A stranger's event without an acknowledgement is answered with `refused`.
      const stranger = await openSocket(t, await t.signIn((await t.createUser(`stranger-${database}@example.org`)).email), '/servers');
      watch(stranger);
      stranger.emit('server:command', { serverId: server.id, command: 'op stranger' });
      await until('the refusal', () => (seen.get('refused') ?? 0) > 0);
      stranger.close();

      await until('the console line of the command', () => (seen.get('server:console') ?? 0) > 0);
      socket.emit('server:unsubscribe', payload);
      check('server:unsubscribe', payload);
      await browser.post(`/api/servers/${server.id}/power/kill`);
      socket.close();
      expect([...seen.keys()].sort()).to.include.members([
        'server:console',
        'server:state',
        'server:stats',
        'refused',
        'server:subscribe (acknowledgement)',
        'server:command (acknowledgement)',
      ]);
    });
  });
}
