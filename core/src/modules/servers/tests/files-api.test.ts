import { compileErrors, validate } from '@readme/openapi-parser';
import { expect } from 'chai';
import { ADMIN_TOKEN, DATABASES, startNodeFor, type TestNode } from '@conductor/test';
import { startAccountsPanel, type AccountsPanel } from '../../accounts/tests/fixtures.js';

type Operation = {
  parameters?: Array<{ name: string; in: string; required: boolean; schema: unknown }>;
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Record<string, unknown> }> }>;
};

/** The files API through the panel: documented in OpenAPI with its schemas, and a write makes the folders it needs. */
for (const database of DATABASES) {
  describe(`the files API through the panel (${database})`, function () {
    this.timeout(120_000);
    let t: AccountsPanel;
    let node: TestNode;
    let serverId: string;
    const files = (route: string) => `/api/servers/${serverId}/files/${route}`;

    before(async () => {
      t = await startAccountsPanel(database);
      node = await startNodeFor(t.panel, { name: 'files' });
      const created = await t.panel.request('POST', '/api/servers', { body: { name: 'Files', templateId: 'conductor-test' } });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      serverId = created.body.id;
    });
    after(async () => {
      if (serverId) await t.panel.request('DELETE', `/api/servers/${serverId}`);
      await t.close();
      await node.close();
    });

    it('documents every files route with its path parameter and its body and answer schemas, in a valid document', async () => {
      const doc = (await t.panel.request('GET', '/api/openapi.json', { auth: false })).body;
      const result = await validate(structuredClone(doc));
      expect(result.valid, result.valid ? '' : compileErrors(result)).to.equal(true);
      const operations = Object.entries(doc.paths as Record<string, Record<string, Operation>>)
        .filter(([path]) => path.startsWith('/api/servers/{serverId}/files/'))
        .flatMap(([path, item]) =>
          Object.entries(item).map(([method, op]) => ({ id: `${method.toUpperCase()} ${path}`, method, path, op })),
        );
      expect(operations, 'every route of the agent file API').to.have.length(17);
      expect(JSON.stringify(operations)).to.not.contain('As the node answers');
      for (const { id, method, path, op } of operations) {
        const names = (op.parameters ?? []).map((p) => `${p.in}:${p.name}`);
        expect(names, id).to.include('path:serverId');
        const success = Object.entries(op.responses).find(([status]) => status.startsWith('2'))!;
        expect(success[1].content, `${id} has an answer schema`).to.not.equal(undefined);
        if (path.endsWith('/archive/restore')) expect(names, id).to.include('query:sha256');
        else if (method === 'get' || path.endsWith('/contents') || path.endsWith('/upload')) expect(names, id).to.include('query:path');
        if (method !== 'get') expect(op.requestBody?.content, `${id} has a body schema`).to.not.equal(undefined);
      }
      const rename = doc.paths['/api/servers/{serverId}/files/rename'].post as Operation;
      expect(rename.requestBody!.content['application/json']!.schema).to.deep.include({
        required: ['from', 'to'],
        additionalProperties: false,
      });
      expect(Object.keys(rename.responses['200']!.content!['application/json']!.schema.properties as object)).to.deep.equal(['from', 'to']);
      const write = doc.paths['/api/servers/{serverId}/files/contents'].put as Operation;
      expect(write.requestBody!.content['application/octet-stream']!.schema).to.deep.equal({ type: 'string', format: 'binary' });
      const list = doc.paths['/api/servers/{serverId}/files/list'].get as Operation;
      const entries = list.responses['200']!.content!['application/json']!.schema.properties as Record<
        string,
        { items: { properties: object } }
      >;
      expect(Object.keys(entries.entries!.items.properties)).to.include.members(['name', 'type', 'size', 'mode', 'protected']);
    });

    it('refuses a JSON body with unknown fields before it reaches the node', async () => {
      const res = await t.panel.request('POST', files('mkdir'), { body: { path: 'x', recursive: true } });
      expect(res.status).to.equal(400);
      expect(res.body.error).to.deep.include({ code: 'validation_failed' });
      expect(res.body.error.message).to.contain('"recursive"');
    });

    it('writes a file into folders that do not exist yet, and leaves none behind when the write fails', async () => {
      const written = await t.panel.request('PUT', `${files('contents')}?path=${encodeURIComponent('plugins/new/deeper/config.yml')}`, {
        rawBody: 'greeting: hello\n',
        headers: { 'content-type': 'application/octet-stream' },
      });
      expect(written.status, JSON.stringify(written.body)).to.equal(200);
      expect(written.body).to.deep.equal({ path: 'plugins/new/deeper/config.yml', bytes: 16 });
      expect((await t.panel.request('GET', `${files('contents')}?path=plugins/new/deeper/config.yml`)).body).to.equal('greeting: hello\n');
      const folder = await t.panel.request('GET', `${files('stat')}?path=plugins/new`);
      expect(folder.body).to.deep.include({ type: 'directory', mode: '0755' });

      // 21 MiB with no declared length: refused while streaming, past the 20 MiB write limit.
      const chunk = new Uint8Array(1024 * 1024);
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 21) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const tooBig = await fetch(`${t.panel.url}${files('contents')}?path=${encodeURIComponent('big/inner/blob.bin')}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/octet-stream' },
        body,
        duplex: 'half',
      } as RequestInit);
      expect(tooBig.status, await tooBig.clone().text()).to.equal(413);
      expect((await t.panel.request('GET', `${files('stat')}?path=big`)).status, 'the folders made for it are gone').to.equal(404);
    });
  });
}
