import { startNodeFor, testImage, type DatabaseKind, type TestNode } from '@conductor/test';
import backupsPlugin from '../../../backups/src/index.js';
import { startAccountsPanel, type AccountsPanel } from '../../../../core/src/modules/accounts/tests/fixtures.js';
import type { Browser } from '../../../../core/src/modules/accounts/tests/browser.js';
import { deleteAllServers } from '../../../../core/src/modules/servers/tests/server-fixtures.js';
import type { PluginDefinition } from '@conductor/core';
import teamsPlugin from '../index.js';

export interface TeamsPanel extends AccountsPanel {
  node: TestNode;
}

/** A panel with the teams and backups plugins and one real node (an agent and Docker) with room for `ports` servers. */
export async function startTeamsPanel(
  database: DatabaseKind,
  options: { ports?: number; plugins?: PluginDefinition[]; config?: Record<string, unknown> } = {},
): Promise<TeamsPanel> {
  await testImage();
  const t = await startAccountsPanel(database, {
    plugins: [teamsPlugin, backupsPlugin, ...(options.plugins ?? [])],
    config: options.config,
  });
  const node = await startNodeFor(t.panel, { name: `teams-${database}`, ports: options.ports ?? 3 });
  return {
    ...t,
    node,
    async close() {
      await deleteAllServers(t.panel).catch(() => undefined);
      await t.close();
      await node.close();
    },
  };
}

export async function createTeam(b: Browser, name: string): Promise<string> {
  const res = await b.post('/api/teams', { name });
  if (res.status !== 201) throw new Error(`create team: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.team.id as string;
}

export async function createTeamServer(b: Browser, teamId: string, name: string): Promise<string> {
  const res = await b.post(`/api/teams/${teamId}/servers`, { name, templateId: 'conductor-test', memoryMb: 256 });
  if (res.status !== 201) throw new Error(`create team server: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** Puts an account into a team as the team's owner would have invited it (the invite flow has its own tests). */
export async function addMember(t: AccountsPanel, teamId: string, userId: string, role: string): Promise<void> {
  const { teamService } = t.panel.kernel.containerOf('teams').cradle;
  await t.panel.kernel.db.transaction((trx) =>
    teamService.addMember(teamId, userId, role, { id: 'operator', kind: 'operator', role: 'admin' }, trx),
  );
}
