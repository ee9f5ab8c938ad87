import type { Logger } from 'pino';
import type { Database } from '../../../kernel/database.js';
import type { EventLog } from '../../../kernel/events.js';
import type { HookBus } from '../../../kernel/hooks.js';
import type { UserDirectory } from '../../accounts/user-directory.js';
import type { MailService } from '../../mail/mail-service.js';
import type { AgentClient } from '../../nodes/agent-client.js';
import type { NodeService } from '../../nodes/service.js';
import type { TemplateService } from '../../templates/service.js';
import type { ServerRepository } from '../repository.js';
import type { ServerView } from '../schema.js';
import type { HealingPlan } from './healing-plan.js';
import type { HealingPolicy, HealingPolicyStore } from './healing-policy.js';
import { agentSpec } from '../spec.js';
import { SYSTEM, type ServerLifecycle } from './lifecycle-service.js';
import { lostNodeMails } from './lost-node-mails.js';

const NO_BACKUP = 'The server has no completed backup on a remote target';
const SELF_HEALING_OFF = 'self-healing is off for this server';
const POLICY_OFF = 'self-healing is off';
const ONLY_RUNNING = 'self-healing takes only running servers';
const ageSeconds = (takenAt: string, now: number) => Math.max(0, Math.round((now - Date.parse(takenAt)) / 1000));
const isRunning = (server: ServerView) => server.state !== 'offline' && server.phase === 'active';

/**
 * Brings a lost node's servers back elsewhere from their latest remote backup (`node.lost`),
 * one at a time so the other nodes are not flooded: each is booked on a node with room, its
 * backup restored there (checksum verified by the backups plugin), and started if it was
 * running. A server with no remote backup is not recreated empty: `server.lost` says why and
 * it stays on its node. The owner gets a mail either way. Archived servers hold no files on the node and come back on wake.
 */
export class LostNodeRescheduler {
  private readonly deps: {
    db: Database;
    events: EventLog;
    hooks: HookBus;
    logger: Logger;
    serverRepository: ServerRepository;
    nodeService: NodeService;
    templateService: TemplateService;
    serverLifecycle: ServerLifecycle;
    healingPolicyStore: HealingPolicyStore;
    userDirectory: UserDirectory;
    mailService: MailService;
  };

  constructor(deps: LostNodeRescheduler['deps']) {
    this.deps = deps;
  }

  async rescheduleNode(nodeId: string, now = Date.now()): Promise<void> {
    const policy = await this.deps.healingPolicyStore.get();
    for (const serverId of await this.deps.serverRepository.onNode(nodeId)) {
      try {
        await this.reschedule(serverId, nodeId, policy, now);
      } catch (err) {
        this.deps.logger.warn({ err, server: serverId, node: nodeId }, 'could not bring a server of a lost node back');
        await this.markLost(serverId, nodeId, (err as { code?: string }).code ?? 'reschedule_failed', (err as Error).message);
      }
    }
  }

  /** The dry run: what `rescheduleNode` would do with each of the node's servers now, changing nothing. */
  async plan(nodeId: string, now = Date.now()): Promise<HealingPlan> {
    await this.deps.nodeService.get(nodeId);
    const policy = await this.deps.healingPolicyStore.get();
    const servers: HealingPlan['servers'] = [];
    for (const serverId of await this.deps.serverRepository.onNode(nodeId)) {
      const server = (await this.deps.serverRepository.get(serverId))!;
      const { backup, skip } = await this.decide(server, policy);
      const to = skip || !backup ? null : await this.deps.db.transaction((trx) => this.deps.serverLifecycle.nodeElsewhere(server, trx));
      const action = skip ? 'skip' : backup && to ? 'reschedule' : 'mark_lost';
      const reason = skip ?? (!backup ? NO_BACKUP : !to ? 'no other node has room' : null);
      servers.push({
        serverId,
        name: server.name,
        action,
        reason,
        backupId: backup?.backupId ?? null,
        backupTakenAt: backup?.takenAt ?? null,
        backupAgeSeconds: backup ? ageSeconds(backup.takenAt, now) : null,
        to,
        start: isRunning(server),
        selfHealing: skip !== SELF_HEALING_OFF,
      });
    }
    return { nodeId, servers };
  }

  /**
   * Archived servers hold no files on a node, and an admin may keep a server out (its
   * self-healing off) or all of them (the policy off, or only running ones): those are skipped,
   * with the reason; the rest come back from their newest remote backup, if any.
   */
  private async decide(
    server: ServerView,
    policy: HealingPolicy,
  ): Promise<{ skip: string | null; backup: { backupId: string; takenAt: string } | undefined }> {
    if (!policy.enabled) return { skip: POLICY_OFF, backup: undefined };
    if (server.phase === 'archived') return { skip: 'archived', backup: undefined };
    if (policy.servers === 'running' && !isRunning(server)) return { skip: ONLY_RUNNING, backup: undefined };
    if (!(await this.deps.serverRepository.selfHealing(server.id))) return { skip: SELF_HEALING_OFF, backup: undefined };
    return { skip: null, backup: await this.deps.hooks.call('server.latestRemoteBackup', { serverId: server.id }) };
  }

  private async reschedule(serverId: string, lostNodeId: string, policy: HealingPolicy, now: number): Promise<void> {
    const { serverRepository, hooks, nodeService } = this.deps;
    const server = (await serverRepository.get(serverId))!;
    const { skip, backup } = await this.decide(server, policy);
    if (skip) return;
    if (!backup) return this.markLost(serverId, lostNodeId, 'no_remote_backup', NO_BACKUP);
    const wasRunning = isRunning(server);
    const moved = await this.deps.serverLifecycle.relocate(server, 'reschedule');
    const { template } = await this.deps.templateService.get(moved.templateId);
    const client = nodeService.client(await nodeService.get(moved.nodeId));
    await client.createServer(agentSpec(moved, template, moved.address!));
    await hooks.call('server.restoreArchive', { serverId, archiveId: backup.backupId, principal: SYSTEM });
    await serverRepository.setState(serverId, wasRunning ? (await client.power(serverId, 'start')).state : 'offline');
    const backupAgeSeconds = ageSeconds(backup.takenAt, now);
    const owner = await this.deps.userDirectory.find(server.ownerId);
    await this.deps.db.transaction(async (trx) => {
      await this.deps.events.append(trx, {
        type: 'server.rescheduled',
        serverId,
        nodeId: moved.nodeId,
        data: {
          from: lostNodeId,
          to: moved.nodeId,
          backupId: backup.backupId,
          backupTakenAt: backup.takenAt,
          backupAgeSeconds,
          started: wasRunning,
        },
      });
      if (owner)
        await this.deps.mailService.send(
          'server_rescheduled',
          owner.email,
          lostNodeMails.rescheduled(server.name, backup.takenAt, backupAgeSeconds),
          trx,
        );
    });
  }

  /**
   * A lost node answers again: every server it still holds that the panel now has elsewhere (or
   * not at all) is stopped and removed there, its files moved aside on that node, before the node
   * counts as up. Edge routes follow the server's record, so players never reach the old copy.
   */
  async fence(nodeId: string, client: AgentClient): Promise<void> {
    for (const { id } of (await client.listServers()).servers) {
      const nowOn = await this.deps.serverRepository.nodeOf(id);
      if (nowOn === nodeId) continue;
      await client.deleteServer(id, { keepFiles: true });
      await this.deps.db.transaction((trx) =>
        this.deps.events.append(trx, { type: 'server.fenced', serverId: id, nodeId, data: { nodeId, nowOn } }),
      );
    }
  }

  private async markLost(serverId: string, nodeId: string, code: string, reason: string): Promise<void> {
    const server = await this.deps.serverRepository.get(serverId);
    const owner = server ? await this.deps.userDirectory.find(server.ownerId) : null;
    await this.deps.db.transaction(async (trx) => {
      await this.deps.events.append(trx, { type: 'server.lost', serverId, nodeId, data: { nodeId, code, reason } });
      if (server && owner) await this.deps.mailService.send('server_lost', owner.email, lostNodeMails.lost(server.name, reason), trx);
    });
  }
}
