import parser from 'cron-parser';
import cronstrue from 'cronstrue';
import { badRequest } from '../../kernel/errors.js';

/** The presets the builder offers; each is a cron expression underneath, so one calculation serves all. */
export type SchedulePreset =
  { kind: 'hourly'; minute: number } | { kind: 'daily'; time: string } | { kind: 'weekly'; weekday: number; time: string };

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function clock(time: string): { hour: number; minute: number } {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw badRequest('invalid_time', 'The time must be HH:MM on a 24-hour clock');
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

export function presetToCron(preset: SchedulePreset): string {
  if (preset.kind === 'hourly') return `${preset.minute} * * * *`;
  const { hour, minute } = clock(preset.time);
  return preset.kind === 'daily' ? `${minute} ${hour} * * *` : `${minute} ${hour} * * ${preset.weekday}`;
}

/** Five fields (minute hour day-of-month month day-of-week), normalised; anything else is invalid_cron. */
export function normaliseCron(given: string): string {
  const expr = given.trim().replace(/\s+/g, ' ');
  if (expr.split(' ').length !== 5)
    throw badRequest('invalid_cron', 'A cron expression has five fields: minute hour day-of-month month day-of-week');
  try {
    parser.parseExpression(expr, { tz: 'UTC' });
  } catch (err) {
    throw badRequest('invalid_cron', `The cron expression is not valid: ${(err as Error).message}`);
  }
  return expr;
}

/**
 * The next `count` runs strictly after `after`, read in `zone` (cron-parser, with luxon
 * underneath). Over a DST change: a wall-clock time that does not exist that night (02:30 when
 * clocks jump from 02:00 to 03:00) runs once, an hour later (03:30, the instant "02:30" would have
 * been); one that happens twice (clocks fall back) runs once, the first time.
 */
export function nextRuns(cron: string, zone: string, after: Date, count: number): Date[] {
  const it = parser.parseExpression(cron, { currentDate: after, tz: zone });
  return Array.from({ length: count }, () => it.next().toDate());
}

export function nextRun(cron: string, zone: string, after: Date): Date {
  return nextRuns(cron, zone, after, 1)[0]!;
}

/** The shortest gap between two runs of `cron`, in minutes, over its next 200 runs (every pattern within a week shows). */
export function shortestGapMinutes(cron: string): number {
  const runs = nextRuns(cron, 'UTC', new Date('2026-01-01T00:00:00Z'), 201).map((d) => d.getTime());
  let shortest = Infinity;
  for (let i = 1; i < runs.length; i++) shortest = Math.min(shortest, (runs[i]! - runs[i - 1]!) / 60_000);
  return shortest;
}

const pad = (n: string) => n.padStart(2, '0');
const SIMPLE = /^\d+$/;

/**
 * The schedule in words with its zone ("every day at 18:00 Europe/Berlin"): the presets' shapes
 * are worded here, anything else by cronstrue.
 */
export function describeCron(cron: string, zone: string): string {
  const [minute, hour, dom, month, dow] = cron.split(' ') as [string, string, string, string, string];
  const rest = dom === '*' && month === '*';
  let words: string;
  if (rest && SIMPLE.test(minute) && hour === '*' && dow === '*') words = `every hour at minute ${minute}`;
  else if (rest && SIMPLE.test(minute) && SIMPLE.test(hour) && dow === '*') words = `every day at ${pad(hour)}:${pad(minute)}`;
  else if (rest && SIMPLE.test(minute) && SIMPLE.test(hour) && /^[0-7]$/.test(dow))
    words = `every ${WEEKDAYS[Number(dow) % 7]} at ${pad(hour)}:${pad(minute)}`;
  else {
    const text = cronstrue.toString(cron, { use24HourTimeFormat: true, verbose: false });
    words = text.charAt(0).toLowerCase() + text.slice(1);
  }
  return `${words} ${zone}`;
}
