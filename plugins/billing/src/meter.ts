import { isAppError, type Cradle, type StoredEvent, type Transaction } from '@conductor/core';
import type { MeteredServer, MeterRepository } from './meter-repo.js';
import type { BillingPayers } from './payers.js';
import type { PriceRepository } from './prices-repo.js';
import { PHASES, type Phase } from './units.js';

/** A team taking a server in or giving it back (the teams plugin): who pays changes from then on. */
const PAYER_EVENTS = ['team.server_added', 'team.server_removed'];

/** The event-log types the meter reads; everything else passes by. */
export const METERED_EVENTS = [
  'server.created',
  'server.started',
  'server.stopped',
  'server.crashed',
  'server.phase_changed',
  'server.memory_changed',
  'server.deleted',
  'server.owner_changed',
  ...PAYER_EVENTS,
];

type Deps = Pick<Cradle, 'serverService' | 'logger'> & {
  meterRepository: MeterRepository;
  priceRepository: PriceRepository;
  billingPayers: BillingPayers;
};

/**
 * Turns server events into usage segments. It runs as an event-log subscriber, in the
 * dispatcher's transaction that also moves its offset, so each event is metered exactly once.
 * A segment is closed at each change; the billing pass cuts the still-open ones at its own time.
 */
export class Meter {
  constructor(private readonly deps: Deps) {}

  async handle(event: StoredEvent, trx: Transaction): Promise<void> {
    if (!event.serverId) return;
    const at = Date.parse(event.occurredAt);
    let server = await this.deps.meterRepository.lockServer(event.serverId, trx);
    if (!server) {
      server = await this.firstSight(event, at, trx);
      if (!server) return;
      await this.deps.meterRepository.insertServer(server, trx);
    }
    if (server.deleted) return;
    await this.accrue(server, at, trx);
    applyEvent(server, event);
    await this.deps.meterRepository.saveServer(server, trx);
  }

  /** Closes the open segment at `untilMs` (when the server was accruing) and starts the next there. */
  async accrue(server: MeteredServer, untilMs: number, trx: Transaction): Promise<void> {
    // An event that happened before the open segment began (a late agent event) cannot reopen it.
    if (untilMs <= server.sinceMs) return;
    const phase = billablePhase(server);
    const sizeMb = phase === 'archived' ? server.archiveMb : server.memoryMb;
    if (phase && sizeMb > 0) {
      await this.deps.meterRepository.insertSegment(
        {
          serverId: server.serverId,
          ownerId: server.ownerId,
          phase,
          priceMicroCents: await this.deps.priceRepository.priceFor(server.templateId, phase, trx),
          quantityMbMs: BigInt(sizeMb) * BigInt(untilMs - server.sinceMs),
          startMs: server.sinceMs,
          endMs: untilMs,
        },
        trx,
      );
    }
    server.sinceMs = untilMs;
  }

  /** A server billing has not seen yet: from its creation event, or from the servers service. */
  private async firstSight(event: StoredEvent, at: number, trx: Transaction): Promise<MeteredServer | null> {
    const base = { serverId: event.serverId!, archiveMb: 0, phase: 'active' as Phase, running: false, sinceMs: at, deleted: false };
    if (event.type === 'server.created') {
      const d = event.data as { ownerId?: string; templateId?: string; memoryMb?: number };
      if (d.ownerId && d.templateId && typeof d.memoryMb === 'number')
        return {
          ...base,
          ownerId: await this.deps.billingPayers.ofServer(event.serverId!, d.ownerId, trx),
          templateId: d.templateId,
          memoryMb: d.memoryMb,
        };
    }
    if (event.type === 'server.deleted') return null;
    try {
      const view = await this.deps.serverService.get(event.serverId!);
      const phase = (view as { phase?: string }).phase;
      return {
        ...base,
        ownerId: await this.deps.billingPayers.ofServer(view.id, view.ownerId, trx),
        templateId: view.templateId,
        memoryMb: view.memoryMb,
        phase: isPhase(phase) ? phase : 'active',
      };
    } catch (err) {
      if (isAppError(err) && err.status === 404) {
        this.deps.logger.warn({ serverId: event.serverId, type: event.type }, 'billing: event for a server it cannot find; not metered');
        return null;
      }
      throw err;
    }
  }
}

function isPhase(value: unknown): value is Phase {
  return typeof value === 'string' && (PHASES as readonly string[]).includes(value);
}

/** What a server costs right now: asleep and archived always, active only while it runs. */
export function billablePhase(server: Pick<MeteredServer, 'deleted' | 'phase' | 'running'>): Phase | null {
  if (server.deleted) return null;
  if (server.phase !== 'active') return server.phase;
  return server.running ? 'active' : null;
}

function applyEvent(server: MeteredServer, event: StoredEvent): void {
  const data = event.data;
  switch (event.type) {
    case 'server.started':
      server.running = true;
      break;
    case 'server.stopped':
    case 'server.crashed':
      server.running = false;
      break;
    case 'server.phase_changed':
      if (isPhase(data.to)) server.phase = data.to;
      if (typeof data.archiveMb === 'number' && Number.isInteger(data.archiveMb) && data.archiveMb >= 0) server.archiveMb = data.archiveMb;
      break;
    case 'server.memory_changed':
      if (typeof data.memoryMb === 'number' && Number.isInteger(data.memoryMb) && data.memoryMb > 0) server.memoryMb = data.memoryMb;
      break;
    // ownerId is the payer: the owner, or the team that owns the server.
    case 'team.server_added':
      if (typeof data.teamId === 'string') server.ownerId = `team:${data.teamId}`;
      break;
    case 'team.server_removed':
      if (typeof data.ownerId === 'string') server.ownerId = data.ownerId;
      break;
    case 'server.owner_changed':
      // A team's server is paid by the team whoever its recorded owner is; team.server_removed names the next payer.
      if (typeof data.to === 'string' && !server.ownerId.startsWith('team:')) server.ownerId = data.to;
      break;
    case 'server.deleted':
      server.deleted = true;
      server.running = false;
      break;
  }
}
