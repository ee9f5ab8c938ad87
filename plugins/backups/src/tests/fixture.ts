import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { asValue } from 'awilix';
import { startAccountsPanel, type AccountsPanel } from '../../../../core/src/modules/accounts/tests/fixtures.js';
import type { Browser } from '../../../../core/src/modules/accounts/tests/browser.js';
import { MovableClock, until, type DatabaseKind, type TestNode } from '@conductor/test';
import type { PluginDefinition } from '@conductor/core';
import { createServerFor } from '../../../../core/src/modules/servers/tests/server-fixtures.js';
import backupsPlugin from '../index.js';

export interface BackupsPanel extends AccountsPanel {
  clock: MovableClock;
}

export async function startBackupsPanel(
  database: DatabaseKind,
  backups: Record<string, unknown> = {},
  extraPlugins: PluginDefinition[] = [],
  otherPluginConfig: Record<string, unknown> = {},
  /** Another panel's database and data folder: several panels on one PostgreSQL. */
  storage?: { dataDir: string; databaseUrl?: string },
): Promise<BackupsPanel> {
  const t = await startAccountsPanel(database, {
    plugins: [backupsPlugin, ...extraPlugins],
    storage,
    config: { plugins: { auth: { scryptCost: 1024 }, backups: { minIntervalSeconds: 0, ...backups }, ...otherPluginConfig } },
  });
  const clock = new MovableClock();
  t.panel.kernel.containerOf('backups').register({ backupClock: asValue(clock) });
  t.panel.kernel.containerOf('schedules').register({ scheduleClock: asValue(clock) });
  return { ...t, clock };
}

/** A server made through the API for its owner, on the given node (an admin places it). */
export function createServer(t: AccountsPanel, ownerId: string, nodeId: string, name: string): Promise<string> {
  return createServerFor(t.panel, ownerId, nodeId, name);
}

/** Through the panel's file API, as a user would upload it. */
export async function writeFile(t: AccountsPanel, serverId: string, file: string, content: string): Promise<void> {
  const dir = path.posix.dirname(file);
  if (dir !== '.') {
    const made = await t.panel.request('POST', `/api/servers/${serverId}/files/mkdir`, { body: { path: dir } });
    if (made.status >= 300 && made.body.error?.code !== 'file_exists') throw new Error(`mkdir ${dir}: ${JSON.stringify(made.body)}`);
  }
  const res = await t.panel.request('PUT', `/api/servers/${serverId}/files/contents?path=${encodeURIComponent(file)}`, {
    rawBody: content,
    headers: { 'content-type': 'application/octet-stream' },
  });
  if (res.status >= 300) throw new Error(`write ${file}: ${res.status} ${JSON.stringify(res.body)}`);
}

/** sha256 of every file under a server's folder on its node, by relative path: what a restore must bring back. */
export function checksums(node: TestNode, serverId: string): Record<string, string> {
  const root = path.join(node.agent.dataDir, 'volumes', serverId);
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out[path.relative(root, full)] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  walk(root);
  return out;
}

export function volume(node: TestNode, serverId: string): string {
  return path.join(node.agent.dataDir, 'volumes', serverId);
}

export function fileSize(file: string): number {
  return statSync(file).size;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the loosely typed API bodies
export async function finished(b: Browser, serverId: string, backupId: string): Promise<any> {
  return until(
    `backup ${backupId} finished`,
    async () => {
      const res = await b.get(`/api/backups/servers/${serverId}/backups/${backupId}`);
      return res.body.backup?.status !== 'running' && res.body.backup;
    },
    60_000,
  );
}
