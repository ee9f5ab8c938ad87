import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { DATABASES, startPanel, type TestPanel } from '@conductor/test';

type Egg = Record<string, unknown>;
/** The PTDL_v2 Paper egg the other template tests use: each variant below is built from it. */
const paper = (): Egg => JSON.parse(readFileSync(new URL('./eggs/egg-paper.json', import.meta.url), 'utf8')) as Egg;

/** Pelican's first format: PTDL_v2 plus tags, a uuid and an `image` that is null. */
function pelicanV1(): Egg {
  return {
    ...paper(),
    meta: { version: 'PLCN_v1', update_url: null },
    uuid: '5b9c7d3a-4d2e-4a53-9f57-0c1b2d3e4f50',
    tags: ['Minecraft', 'Java'],
    image: null,
    name: 'Paper (Pelican v1)',
  };
}

/** Pelican's current format: named startup commands, config and rules as structures, an icon in `image`. */
function pelicanV3(): Egg {
  const { startup: _startup, ...rest } = paper();
  const variables = (rest.variables as Array<Record<string, unknown>>).map((v) => ({
    ...v,
    rules: String(v.rules).startsWith('required|regex:')
      ? ['required', 'regex:/^([\\w\\d._-]+)(\\.jar)$|^server$/']
      : String(v.rules).split('|'),
  }));
  return {
    ...rest,
    meta: { version: 'PLCN_v3', update_url: null },
    name: 'Paper (Pelican v3)',
    image: 'data:image/png;base64,iVBORw0KGgo=',
    tags: ['minecraft'],
    startup_commands: {
      Default: 'java -Xmx{{server.build.memory_limit}}M -jar {{server.environment.SERVER_JARFILE}}',
      'Aikar flags': 'java -XX:+UseG1GC -jar {{SERVER_JARFILE}}',
    },
    config: {
      files: {
        'server.properties': {
          parser: 'properties',
          find: { 'server-ip': '{{server.allocations.default.ip}}', 'server-port': '{{server.allocations.default.port}}' },
        },
      },
      startup: { done: [')! For help, type '] },
      logs: {},
      stop: 'stop',
    },
    variables: [
      ...variables,
      {
        name: 'Accept EULA',
        description: '',
        env_variable: 'EULA',
        default_value: true,
        user_viewable: true,
        user_editable: false,
        rules: ['required', 'boolean'],
      },
    ],
  };
}

const importEgg = (panel: TestPanel, egg: Egg, extra: Record<string, unknown> = {}) =>
  panel.request('POST', '/api/templates/import', { body: { egg, ...extra } });

for (const database of DATABASES) {
  describe(`egg formats and imports over an existing template (${database})`, () => {
    let panel: TestPanel;
    before(async () => {
      panel = await startPanel({ database });
    });
    after(() => panel.close());

    it('imports a Pelican PLCN_v1 egg (image null, tags)', async () => {
      const res = await importEgg(panel, pelicanV1());
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.template).to.deep.include({
        id: 'paper-pelican-v1',
        startup: 'java -Xms128M -Xmx{{SERVER_MEMORY}}M -Dterminal.jline=false -Dterminal.ansi=true -jar {{SERVER_JARFILE}}',
      });
      expect(res.body.template.images.map((i: { image: string }) => i.image)).to.deep.equal([
        'ghcr.io/pterodactyl/yolks:java_17',
        'ghcr.io/pterodactyl/yolks:java_21',
      ]);
      expect(res.body.template.tags).to.include.members(['imported', 'pelican', 'minecraft', 'java']);
    });

    it('imports a Pelican PLCN_v3 egg: startup_commands, config as objects, rules as lists, an icon that is no image', async () => {
      const res = await importEgg(panel, pelicanV3());
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const t = res.body.template;
      expect(t.startup).to.equal('java -Xmx{{SERVER_MEMORY}}M -jar {{SERVER_JARFILE}}');
      expect(res.body.warnings).to.include('The egg offers 2 startup commands; "Default" is used.');
      expect(t.images.map((i: { image: string }) => i.image)).to.deep.equal([
        'ghcr.io/pterodactyl/yolks:java_17',
        'ghcr.io/pterodactyl/yolks:java_21',
      ]);
      expect(t.configFiles).to.deep.equal([
        { file: 'server.properties', parser: 'properties', set: { 'server-ip': '0.0.0.0', 'server-port': '{{SERVER_PORT}}' } },
      ]);
      expect(t.donePattern).to.equal('\\)! For help, type ');
      const jar = t.variables.find((v: { env: string }) => v.env === 'SERVER_JARFILE');
      expect(jar.rules).to.deep.include({ required: true, pattern: '^([\\w\\d._-]+)(\\.jar)$|^server$' });
      expect(t.variables.find((v: { env: string }) => v.env === 'EULA')).to.deep.include({ default: 'true', userEditable: false });
      expect(t.variables.find((v: { env: string }) => v.env === 'BUILD_NUMBER').rules).to.deep.include({ required: true, max: 20 });
    });

    it('imports PTDL_v2 eggs with image null beside docker_images, and with docker_images as a list', async () => {
      const withNull = await importEgg(panel, { ...paper(), image: null }, { id: 'paper-image-null' });
      expect(withNull.status, JSON.stringify(withNull.body)).to.equal(201);
      expect(withNull.body.template.images).to.have.length(2);
      const asList = await importEgg(
        panel,
        { ...paper(), docker_images: ['ghcr.io/pterodactyl/yolks:java_21', 'ghcr.io/pterodactyl/yolks:java_17'] },
        { id: 'paper-image-list' },
      );
      expect(asList.status, JSON.stringify(asList.body)).to.equal(201);
      expect(asList.body.template.images).to.deep.equal([
        { name: 'java_21', image: 'ghcr.io/pterodactyl/yolks:java_21' },
        { name: 'java_17', image: 'ghcr.io/pterodactyl/yolks:java_17' },
      ]);
      const noStartup = await importEgg(panel, { ...paper(), startup: undefined }, { id: 'paper-no-startup' });
      expect(noStartup.status).to.equal(400);
      expect(noStartup.body.error.message).to.contain('no startup command');
    });

    it('offers import as new and update when the id is taken, and updates from a newer egg', async () => {
      // The derived id is a built-in's: it cannot be updated, only imported as new.
      const builtin = await importEgg(panel, paper());
      expect(builtin.status).to.equal(409);
      expect(builtin.body.error).to.deep.include({
        code: 'template_exists',
        details: { id: 'paper', suggestedId: 'paper-2', updatable: false },
      });
      const asNew = await importEgg(panel, paper(), { id: builtin.body.error.details.suggestedId });
      expect(asNew.status, JSON.stringify(asNew.body)).to.equal(201);
      await panel.request('PUT', '/api/templates/paper-2', {
        body: { ...asNew.body.template, popularity: 77, recommendedMemory: [{ players: 10, memoryMb: 3072 }] },
      });

      const again = await importEgg(panel, paper(), { id: 'paper-2' });
      expect(again.body.error).to.deep.include({
        code: 'template_exists',
        details: { id: 'paper-2', suggestedId: 'paper-3', updatable: true },
      });
      expect(again.body.error.message).to.contain('Update it from this egg').and.contain('paper-3');

      const newer = {
        ...paper(),
        docker_images: { 'Java 21': 'ghcr.io/pterodactyl/yolks:java_21' },
        config: { ...(paper().config as object), stop: '^C' },
      };
      const updated = await panel.request('PUT', '/api/templates/paper-2/import', { body: { egg: newer } });
      expect(updated.status, JSON.stringify(updated.body)).to.equal(200);
      const stored = (await panel.request('GET', '/api/templates/paper-2')).body;
      expect(stored.source).to.equal('imported');
      expect(stored.template).to.deep.include({
        stopCommand: '^C',
        popularity: 77,
        category: 'plugins',
        recommendedMemory: [{ players: 10, memoryMb: 3072 }],
      });
      expect(stored.template.images).to.deep.equal([{ name: 'Java 21', image: 'ghcr.io/pterodactyl/yolks:java_21' }]);
      const events = (await panel.request('GET', '/api/events?type=template.updated')).body.events.map(
        (e: { data: { templateId: string } }) => e.data.templateId,
      );
      expect(events).to.include('paper-2');

      expect(
        (await panel.request('PUT', '/api/templates/paper/import', { body: { egg: newer } })).body.error.code,
        'built-ins stay',
      ).to.equal('builtin_template');
      expect((await panel.request('PUT', '/api/templates/nothing-here/import', { body: { egg: newer } })).status).to.equal(404);
      expect(
        (await panel.request('PUT', '/api/templates/paper-2/import', { body: { egg: newer, mode: 'x' } })).status,
        'unknown fields refused',
      ).to.equal(400);
    });
  });
}
