import type { Cradle } from '@conductor/core';
import type { Clock } from './clock.js';
import type { LedgerRepository } from './ledger-repo.js';
import type { MeterRepository, UsageSegment } from './meter-repo.js';
import type { PriceRepository } from './prices-repo.js';
import { PHASES, UNITS_PER_CENT, usageValue, type Phase } from './units.js';

type Deps = Pick<Cradle, 'serverService'> & {
  billingClock: Clock;
  meterRepository: MeterRepository;
  priceRepository: PriceRepository;
  ledgerRepository: LedgerRepository;
};

const DAY_MS = 86_400_000;
/** Named methods (the UI words them per language): the average daily cost of the last 30 days times the days of next month. */
export const FORECAST_METHOD = 'trailing_30_day_average' as const;
/** Hours asleep priced at the active rate, less what they cost asleep. */
export const SLEEP_SAVED_METHOD = 'sleep_hours_at_active_rate' as const;

export interface UsageReport {
  from: string;
  to: string;
  byPhase: Array<{ phase: Phase; costCents: number; hours: number }>;
  byServer: Array<{ serverId: string; name: string | null; ownerId: string; costCents: number; byPhase: Record<Phase, number> }>;
  daily: Array<{ day: string; costCents: number }>;
  forecast: { method: typeof FORECAST_METHOD; month: string; costCents: number };
  sleepSaved: { method: typeof SLEEP_SAVED_METHOD; costCents: number };
}

/** Month start (UTC) of `month` (YYYY-MM), and the start of the next. */
export function monthRange(month: string): { from: Date; to: Date } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return { from: new Date(Date.UTC(y, m - 1, 1)), to: new Date(Date.UTC(y, m, 1)) };
}

const cents = (units: bigint) => Number(units / UNITS_PER_CENT);

/** The part of a segment's value inside [fromMs, toMs), in billing units. */
function valueWithin(s: UsageSegment, fromMs: number, toMs: number): bigint {
  const start = Math.max(s.startMs, fromMs);
  const end = Math.min(s.endMs, toMs);
  if (end <= start) return 0n;
  const whole = usageValue(s.phase, s.priceMicroCents, s.quantityMbMs);
  return (whole * BigInt(end - start)) / BigInt(s.endMs - s.startMs);
}

/** Cost analytics from metered segments: by phase, by server, per day, a forecast and what sleep saved. */
export class UsageService {
  constructor(private readonly deps: Deps) {}

  async report(ownerId: string | null, month: string): Promise<UsageReport> {
    const { from, to } = monthRange(month);
    const fromMs = from.getTime();
    const toMs = to.getTime();
    const segments = await this.deps.meterRepository.segments(ownerId, fromMs, toMs);
    const phaseUnits = new Map<Phase, bigint>(PHASES.map((p) => [p, 0n]));
    const phaseMs = new Map<Phase, number>(PHASES.map((p) => [p, 0]));
    const servers = new Map<string, { ownerId: string; units: Record<Phase, bigint> }>();
    const days = new Map<string, bigint>();
    for (let d = fromMs; d < toMs; d += DAY_MS) days.set(new Date(d).toISOString().slice(0, 10), 0n);
    for (const s of segments) {
      const units = valueWithin(s, fromMs, toMs);
      phaseUnits.set(s.phase, phaseUnits.get(s.phase)! + units);
      phaseMs.set(s.phase, phaseMs.get(s.phase)! + Math.max(0, Math.min(s.endMs, toMs) - Math.max(s.startMs, fromMs)));
      const server = servers.get(s.serverId) ?? { ownerId: s.ownerId, units: { active: 0n, sleep: 0n, archived: 0n } };
      server.units[s.phase] += units;
      servers.set(s.serverId, server);
      for (let d = Math.floor(Math.max(s.startMs, fromMs) / DAY_MS) * DAY_MS; d < Math.min(s.endMs, toMs); d += DAY_MS) {
        const key = new Date(d).toISOString().slice(0, 10);
        days.set(key, (days.get(key) ?? 0n) + valueWithin(s, d, d + DAY_MS));
      }
    }
    const byServer = [];
    for (const [serverId, s] of servers) {
      const total = s.units.active + s.units.sleep + s.units.archived;
      byServer.push({
        serverId,
        name: await this.nameOf(serverId),
        ownerId: s.ownerId,
        costCents: cents(total),
        byPhase: { active: cents(s.units.active), sleep: cents(s.units.sleep), archived: cents(s.units.archived) },
      });
    }
    byServer.sort((a, b) => b.costCents - a.costCents);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      byPhase: PHASES.map((phase) => ({
        phase,
        costCents: cents(phaseUnits.get(phase)!),
        hours: Math.round(phaseMs.get(phase)! / 36_000) / 100,
      })),
      byServer,
      daily: [...days].map(([day, units]) => ({ day, costCents: cents(units) })),
      forecast: await this.forecast(ownerId),
      sleepSaved: { method: SLEEP_SAVED_METHOD, costCents: await this.sleepSaved(ownerId, segments, fromMs, toMs) },
    };
  }

  /** The month after the current one, from the 30 days before now (a plain run rate: no seasonality). */
  private async forecast(ownerId: string | null): Promise<UsageReport['forecast']> {
    const nowMs = this.deps.billingClock.now().getTime();
    const sinceMs = nowMs - 30 * DAY_MS;
    let units = 0n;
    for (const s of await this.deps.meterRepository.segments(ownerId, sinceMs, nowMs)) units += valueWithin(s, sinceMs, nowMs);
    const now = new Date(nowMs);
    const next = monthRange(`${now.getUTCFullYear()}-${now.getUTCMonth() + 1}`).to;
    const daysNext = (monthRange(`${next.getUTCFullYear()}-${next.getUTCMonth() + 1}`).to.getTime() - next.getTime()) / DAY_MS;
    return { method: FORECAST_METHOD, month: next.toISOString().slice(0, 7), costCents: cents((units * BigInt(daysNext)) / 30n) };
  }

  private async sleepSaved(ownerId: string | null, segments: UsageSegment[], fromMs: number, toMs: number): Promise<number> {
    const templates = new Map((await this.deps.meterRepository.servers(ownerId)).map((s) => [s.serverId, s.templateId]));
    const activePrice = new Map<string, bigint>();
    let saved = 0n;
    for (const s of segments) {
      if (s.phase !== 'sleep') continue;
      const template = templates.get(s.serverId) ?? '*';
      if (!activePrice.has(template)) activePrice.set(template, await this.deps.priceRepository.priceFor(template, 'active'));
      const always = valueWithin({ ...s, phase: 'active', priceMicroCents: activePrice.get(template)! }, fromMs, toMs);
      saved += always - valueWithin(s, fromMs, toMs);
    }
    return cents(saved > 0n ? saved : 0n);
  }

  private async nameOf(serverId: string): Promise<string | null> {
    try {
      return (await this.deps.serverService.get(serverId)).name;
    } catch {
      return null;
    }
  }
}
