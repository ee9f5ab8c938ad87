import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { Principal } from '../../../kernel/auth.js';
import type { Database } from '../../../kernel/database.js';
import { badRequest, conflict, notFound } from '../../../kernel/errors.js';
import type { EventLog } from '../../../kernel/events.js';
import type { ActivityLog } from '../../activity/activity-log.js';
import type { NodeService } from '../../nodes/service.js';
import type { ServerRepository } from '../repository.js';
import type { ServerView } from '../schema.js';
import { txtHoldsToken, verificationName } from './dns-check.js';
import type { DomainRepository, StoredDomain } from './domain-repository.js';

export interface DnsRecord {
  type: 'CNAME' | 'A' | 'AAAA' | 'SRV' | 'TXT';
  name: string;
  value: string;
}

export interface DomainView {
  hostname: string;
  verified: boolean;
  verifiedAt: string | null;
  checkedAt: string | null;
  checkError: string | null;
  /** What to create at the DNS provider. */
  records: DnsRecord[];
}

export interface DomainSettings {
  /** The hoster's stable edge name players' CNAMEs point at; the node's address when unset. */
  edgeTarget: string | null;
  /** The nodes' shared edge port; an SRV record is needed when it is not 25565. */
  edgePort: number;
  /** DNS servers verification asks (ip or ip:port); the system's when empty. */
  resolvers: string[];
  baseDomain: string | null;
}

/**
 * Custom domains: a tenant adds a hostname to a server, creates the records shown, and once the
 * TXT token is found the edge routes it. A hostname one tenant verified is theirs alone.
 */
export class DomainService {
  private readonly deps: {
    db: Database;
    events: EventLog;
    domainRepository: DomainRepository;
    serverRepository: ServerRepository;
    nodeService: NodeService;
    domainSettings: DomainSettings;
    activityLog: ActivityLog;
  };

  constructor(deps: DomainService['deps']) {
    this.deps = deps;
  }

  /** The server's own name under the hoster's base domain (its id there stays an alias). */
  async baseHostname(serverId: string): Promise<string | null> {
    const base = this.deps.domainSettings.baseDomain;
    return base ? `${(await this.server(serverId)).edgeName}.${base}` : null;
  }

  async list(serverId: string): Promise<DomainView[]> {
    const server = await this.server(serverId);
    const views: DomainView[] = [];
    for (const d of await this.deps.domainRepository.forServer(serverId)) views.push(await this.view(server, d));
    return views;
  }

  async add(serverId: string, hostname: string, actor: Principal): Promise<DomainView> {
    const server = await this.server(serverId);
    const base = this.deps.domainSettings.baseDomain;
    if (base && (hostname === base || hostname.endsWith(`.${base}`)))
      throw badRequest('reserved_domain', `Names under ${base} are the hoster's`);
    const claim = await this.deps.domainRepository.verifiedClaim(hostname);
    if (claim) throw conflict('domain_taken', `${hostname} is already in use`);
    if (await this.deps.domainRepository.find(serverId, hostname))
      throw conflict('domain_exists', `${hostname} is already added to this server`);
    await this.deps.db.transaction(async (trx) => {
      await this.deps.domainRepository.insert(
        { serverId, ownerId: server.ownerId, hostname, token: `conductor-verify=${randomBytes(16).toString('hex')}` },
        trx,
      );
      await this.deps.events.append(trx, {
        type: 'server.domain_added',
        serverId,
        nodeId: server.nodeId,
        actorId: actor.id,
        data: { hostname },
      });
      await this.deps.activityLog.record({ serverId, actor, action: 'server.domain.add', data: { hostname } }, trx);
    });
    return this.view(server, (await this.deps.domainRepository.find(serverId, hostname))!);
  }

  /** Looks the TXT record up now; routing starts as soon as it holds the token. */
  async verify(serverId: string, hostname: string): Promise<DomainView> {
    const server = await this.server(serverId);
    const domain = await this.domain(serverId, hostname);
    if (!domain.verifiedAt) await this.check(server, domain);
    return this.view(server, (await this.deps.domainRepository.find(serverId, hostname))!);
  }

  /** The verification job: every pending domain, once. */
  async verifyPending(): Promise<void> {
    for (const domain of await this.deps.domainRepository.pending()) {
      const server = await this.deps.serverRepository.get(domain.serverId);
      if (server) await this.check(server, domain);
    }
  }

  /** Removed: the node's routes are pushed at once, so the proxy stops routing it. */
  async remove(serverId: string, hostname: string, actor: Principal): Promise<void> {
    const server = await this.server(serverId);
    await this.domain(serverId, hostname);
    await this.deps.db.transaction(async (trx) => {
      await this.deps.domainRepository.remove(serverId, hostname, trx);
      await this.deps.events.append(trx, {
        type: 'server.domain_removed',
        serverId,
        nodeId: server.nodeId,
        actorId: actor.id,
        data: { hostname },
      });
      await this.deps.activityLog.record({ serverId, actor, action: 'server.domain.remove', data: { hostname } }, trx);
    });
  }

  private async check(server: ServerView, domain: StoredDomain): Promise<void> {
    const result = await txtHoldsToken(domain.hostname, domain.token, this.deps.domainSettings.resolvers);
    await this.deps.db.transaction(async (trx) => {
      // Another tenant verified it first: this claim stays pending and says why.
      if (result.verified && (await this.deps.domainRepository.verifiedClaim(domain.hostname, trx))) {
        await this.deps.domainRepository.markChecked(
          domain.serverId,
          domain.hostname,
          { verified: false, error: 'verified by another account first' },
          trx,
        );
        return;
      }
      await this.deps.domainRepository.markChecked(domain.serverId, domain.hostname, result, trx);
      if (result.verified)
        await this.deps.events.append(trx, {
          type: 'server.domain_verified',
          serverId: domain.serverId,
          nodeId: server.nodeId,
          data: { hostname: domain.hostname },
        });
    });
  }

  private async view(server: ServerView, d: StoredDomain): Promise<DomainView> {
    const { edgeTarget, edgePort } = this.deps.domainSettings;
    const target = edgeTarget ?? (await this.deps.nodeService.get(server.nodeId)).address;
    const records: DnsRecord[] = [];
    const family = isIP(target);
    records.push({ type: family === 4 ? 'A' : family === 6 ? 'AAAA' : 'CNAME', name: d.hostname, value: target });
    if (edgePort !== 25565)
      records.push({ type: 'SRV', name: `_minecraft._tcp.${d.hostname}`, value: `0 5 ${edgePort} ${family ? d.hostname : target}` });
    records.push({ type: 'TXT', name: verificationName(d.hostname), value: d.token });
    return {
      hostname: d.hostname,
      verified: d.verifiedAt !== null,
      verifiedAt: d.verifiedAt,
      checkedAt: d.checkedAt,
      checkError: d.checkError,
      records,
    };
  }

  private async server(id: string): Promise<ServerView> {
    const server = await this.deps.serverRepository.get(id);
    if (!server) throw notFound('No such server', 'not_found');
    return server;
  }

  private async domain(serverId: string, hostname: string): Promise<StoredDomain> {
    const domain = await this.deps.domainRepository.find(serverId, hostname);
    if (!domain) throw notFound(`${hostname} is not a domain of this server`, 'domain_not_found');
    return domain;
  }
}
