import { expect } from 'chai';
import { asValue } from 'awilix';
import { DATABASES, until } from '@conductor/test';
import billingPlugin from '../../../billing/src/index.js';
import { SetClock } from '../../../billing/src/tests/fixture.js';
import { addMember, createTeam, createTeamServer, startTeamsPanel, type TeamsPanel } from './fixture.js';

const HOUR = 3_600_000;

for (const database of DATABASES) {
  describe(`teams: a team pays for its servers (${database})`, function () {
    this.timeout(240_000);
    let t: TeamsPanel;
    let serverId: string | undefined;

    before(async () => {
      t = await startTeamsPanel(database, { plugins: [billingPlugin], ports: 2 });
    });
    after(async () => {
      if (serverId) await t?.panel.request('POST', `/api/servers/${serverId}/power/kill`).catch(() => undefined);
      await t?.close();
    });

    /** Until the billing meter has taken every event in the log. */
    async function metered(): Promise<void> {
      const { events, eventDispatcher } = t.panel.kernel.container.cradle;
      await until('the meter caught up', async () => {
        await eventDispatcher.drain();
        const meter = (await eventDispatcher.status()).find((s) => s.name === 'billing.meter');
        if (meter?.lastError) throw new Error(`billing meter failed: ${meter.lastError}`);
        return meter !== undefined && meter.offset >= (await events.lastId());
      });
    }

    it("charges a team server's usage to the team's ledger, not to the member who runs it; only the team's owners and admins see that ledger", async () => {
      const alice = await t.createUser(`alice-${database}@example.org`);
      const bob = await t.createUser(`bob-${database}@example.org`);
      await t.createUser(`carol-${database}@example.org`);
      const [ab, bb, cb] = await Promise.all([t.signIn(alice.email), t.signIn(bob.email), t.signIn(`carol-${database}@example.org`)]);
      const teamId = await createTeam(ab, 'Payers');
      await addMember(t, teamId, bob.id, 'admin');
      expect(
        (
          await t.panel.request('POST', `/api/billing/admin/owners/team:${teamId}/adjustments`, {
            body: { kind: 'promo', amountCents: 1000, reason: 'team credit' },
          })
        ).status,
      ).to.equal(201);

      // Bob (an admin of the team) makes and runs the server: the team pays, not Bob.
      serverId = await createTeamServer(bb, teamId, 'Team metered');
      const state = async () => (await bb.get(`/api/servers/${serverId}`)).body.state as string;
      await until('installed', async () => ['offline', 'stopped'].includes(await state()), 120_000);
      expect((await bb.post(`/api/servers/${serverId}/power/start`)).status).to.equal(200);
      await until('running', async () => (await state()) === 'running', 60_000);
      await metered();

      const clock = new SetClock(new Date(Date.now() + 10 * HOUR));
      t.panel.kernel.containerOf('billing').register({ billingClock: asValue(clock) });
      expect((await t.panel.request('POST', '/api/billing/admin/pass')).status).to.equal(200);

      const team = (await ab.get(`/api/billing/teams/${teamId}/ledger`)).body as {
        balanceCents: number;
        entries: Array<{ kind: string; amountCents: number }>;
      };
      const usage = team.entries.filter((e) => e.kind === 'usage');
      // 256 MB for about ten hours at the default 0.02 per GB-hour: about 5 cents.
      expect(usage, JSON.stringify(team)).to.have.length(1);
      expect(usage[0]!.amountCents).to.be.within(-6, -4);
      expect(team.balanceCents).to.equal(1000 + usage[0]!.amountCents);
      expect((await bb.get(`/api/billing/teams/${teamId}/account`)).body.balanceCents).to.equal(team.balanceCents);
      for (const member of [ab, bb]) {
        const own = (await member.get('/api/billing/ledger')).body as { balanceCents: number; entries: unknown[] };
        expect(own, "nothing on the member's own ledger").to.deep.include({ balanceCents: 0, entries: [] });
      }

      // Outsiders are told there is no such team; a plain member may not see the team's money.
      const outsider = await cb.get(`/api/billing/teams/${teamId}/ledger`);
      expect(outsider.status).to.equal(404);
      expect(outsider.body.error.code).to.equal('team_not_found');
      expect((await cb.post(`/api/billing/teams/${teamId}/topups`, { amountCents: 1000 })).body.error.code).to.equal('team_not_found');
      expect((await t.panel.request('PUT', `/api/teams/${teamId}/members/${bob.id}/role`, { body: { role: 'member' } })).status).to.equal(
        200,
      );
      expect((await bb.get(`/api/billing/teams/${teamId}/ledger`)).status).to.equal(403);
      expect((await bb.get(`/api/billing/teams/${teamId}/documents`)).status).to.equal(403);

      // Given back to Alice, the server's later usage is hers.
      expect((await ab.post(`/api/teams/${teamId}/servers/${serverId}/release`, { ownerId: alice.id })).status).to.equal(204);
      await metered();
      clock.at = new Date(clock.at.getTime() + 10 * HOUR);
      expect((await t.panel.request('POST', '/api/billing/admin/pass')).status).to.equal(200);
      const hers = (await ab.get('/api/billing/ledger')).body.entries as Array<{ kind: string; amountCents: number }>;
      expect(hers.filter((e) => e.kind === 'usage')).to.have.length(1);
      expect(
        (await ab.get(`/api/billing/teams/${teamId}/ledger`)).body.entries.filter((e: { kind: string }) => e.kind === 'usage'),
      ).to.have.length(1);
    });
  });
}
