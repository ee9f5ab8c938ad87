import { expect } from 'chai';
import { DATABASES } from '@conductor/test';
import type { Browser } from '../../../../core/src/modules/accounts/tests/browser.js';
import { startAccountsPanel, type AccountsPanel } from '../../../../core/src/modules/accounts/tests/fixtures.js';
import { addListNode, seedServers } from '../../../../core/src/modules/servers/tests/seed-servers.js';
import teamsPlugin from '../index.js';
import { addMember, createTeam } from './fixture.js';

const ids = (res: { body: { servers: Array<{ id: string }> } }) => res.body.servers.map((s) => s.id).sort();

for (const database of DATABASES) {
  describe(`teams: the server list's team filter (${database})`, function () {
    this.timeout(120_000);
    let t: AccountsPanel;
    let alice: Browser;
    let carol: Browser;
    let teamA: string;
    let teamC: string;

    before(async () => {
      t = await startAccountsPanel(database, { plugins: [teamsPlugin] });
      const aliceId = (await t.createUser('alice@example.org')).id;
      const carolId = (await t.createUser('carol@example.org')).id;
      alice = await t.signIn('alice@example.org');
      carol = await t.signIn('carol@example.org');
      const nodeId = await addListNode(t.panel, 'teams-list');
      await seedServers(t.panel, [
        ...['ta1', 'ta2', 'ta3', 'ta4'].map((id) => ({ id: `${id}-srv`, name: id, ownerId: aliceId, nodeId })),
        ...['tc1', 'tc2'].map((id) => ({ id: `${id}-srv`, name: id, ownerId: carolId, nodeId })),
      ]);
      teamA = await createTeam(alice, 'Team A');
      teamC = await createTeam(carol, 'Team C');
      for (const id of ['ta1-srv', 'ta2-srv'])
        expect((await alice.request('PUT', `/api/teams/${teamA}/servers/${id}`)).status).to.equal(200);
      expect((await carol.request('PUT', `/api/teams/${teamC}/servers/tc1-srv`)).status).to.equal(200);
      // Alice is in both teams; Carol only in hers.
      await addMember(t, teamC, aliceId, 'member');
    });
    after(() => t?.close());

    it("lists a team's servers for its members and the admin, and nothing of it for anyone else", async () => {
      expect(ids(await alice.get(`/api/servers?teamId=${teamA}`))).to.deep.equal(['ta1-srv', 'ta2-srv']);
      expect(ids(await alice.get(`/api/servers?teamId=${teamC}`))).to.deep.equal(['tc1-srv']);
      expect(ids(await t.panel.request('GET', `/api/servers?teamId=${teamA}`))).to.deep.equal(['ta1-srv', 'ta2-srv']);
      const outsider = await carol.get(`/api/servers?teamId=${teamA}`);
      expect(outsider.status).to.equal(200);
      expect(outsider.body).to.deep.include({ servers: [], total: 0 });
      expect((await alice.get('/api/servers?teamId=no-such-team')).body.total).to.equal(0);
    });
  });
}
