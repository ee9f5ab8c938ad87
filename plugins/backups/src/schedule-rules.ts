import parser from 'cron-parser';
import { badRequest } from '@conductor/core';

export type ScheduleKind = 'daily' | 'weekly' | 'cron';

export interface ScheduleRule {
  kind: ScheduleKind;
  /** HH:MM in the schedule's zone, for daily and weekly. */
  time?: string;
  /** 0 (Sunday) to 6, for weekly. */
  weekday?: number;
  /** Five fields (minute hour day month weekday), for cron. */
  cron?: string;
}

/** Daily and weekly are cron expressions too, so one calculation serves every kind. */
export function toCron(rule: ScheduleRule): string {
  if (rule.kind === 'cron') {
    const expr = (rule.cron ?? '').trim().replace(/\s+/g, ' ');
    if (expr.split(' ').length !== 5) throw badRequest('invalid_cron', 'A cron expression has five fields: minute hour day-of-month month day-of-week');
    try {
      parser.parseExpression(expr, { tz: 'UTC' });
    } catch (err) {
      throw badRequest('invalid_cron', `The cron expression is not valid: ${(err as Error).message}`);
    }
    return expr;
  }
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(rule.time ?? '');
  if (!match) throw badRequest('invalid_time', 'The time must be HH:MM on a 24-hour clock');
  const [hour, minute] = [Number(match[1]), Number(match[2])];
  if (rule.kind === 'daily') return `${minute} ${hour} * * *`;
  if (rule.weekday === undefined || rule.weekday < 0 || rule.weekday > 6) throw badRequest('invalid_weekday', 'A weekly schedule needs a weekday from 0 (Sunday) to 6 (Saturday)');
  return `${minute} ${hour} * * ${rule.weekday}`;
}


/**
 * The first run strictly after `after`, read in `zone` (cron-parser with luxon underneath). Over
 * a DST change: a local time that does not exist that night (02:30 when clocks jump from 02:00
 * to 03:00) runs an hour later, at 03:30; one that happens twice (clocks fall back) runs once,
 * the first time.
 */
export function nextRun(cron: string, zone: string, after: Date): Date {
  return parser.parseExpression(cron, { currentDate: after, tz: zone }).next().toDate();
}

/** The shortest gap between two runs of `cron`, in minutes, over its next 200 runs (enough to see every pattern within a week). */
export function shortestGapMinutes(cron: string): number {
  const runs = parser.parseExpression(cron, { currentDate: new Date('2026-01-01T00:00:00Z'), tz: 'UTC' });
  let previous = runs.next().toDate().getTime();
  let shortest = Infinity;
  for (let i = 0; i < 200; i++) {
    const next = runs.next().toDate().getTime();
    shortest = Math.min(shortest, (next - previous) / 60_000);
    previous = next;
  }
  return shortest;
}
