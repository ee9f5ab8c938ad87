import { exponential, poisson, seededRandom, zipfSampler } from './random.js';
import { packSessions, WEEK_MINUTES, type Trace } from './trace.js';

/**
 * The built-in week as issue #18 fixes it, so it cannot be tuned to a policy: 500 servers of 2, 4
 * or 8 GB (60/30/10 %), Zipf popularity with exponent 1.1, 1,500 players online at a weekday
 * peak, a daily curve peaking at 20:00 and 15 % of the peak at 05:00, weekends 1.5 times, and
 * sessions exponential with a mean of 45 minutes.
 */
export const BUILT_IN = {
  servers: 500,
  memoryShares: [
    { memoryMb: 2048, share: 0.6 },
    { memoryMb: 4096, share: 0.3 },
    { memoryMb: 8192, share: 0.1 },
  ],
  zipfExponent: 1.1,
  weekdayPeakPlayers: 1500,
  peakHour: 20,
  troughHour: 5,
  troughShare: 0.15,
  weekendFactor: 1.5,
  sessionMeanMinutes: 45,
} as const;

/**
 * The share of the day's peak at a minute of the day: a half cosine rising from the trough
 * (05:00) to the peak (20:00) and another falling back over the night.
 */
export function dailyShare(minuteOfDay: number): number {
  const { peakHour, troughHour, troughShare } = BUILT_IN;
  const hour = minuteOfDay / 60;
  const rise = peakHour - troughHour;
  const sinceTrough = (hour - troughHour + 24) % 24;
  const phase = sinceTrough <= rise ? sinceTrough / rise : 1 - (sinceTrough - rise) / (24 - rise);
  return troughShare + ((1 - troughShare) * (1 - Math.cos(Math.PI * phase))) / 2;
}

/** Day 0 of a week is a Monday: days 5 and 6 are the weekend. */
export const isWeekend = (minute: number) => Math.floor(minute / 1440) % 7 >= 5;

/**
 * Joins per minute: in a steady state players online are arrivals times the mean session, so the
 * arrival rate at the weekday peak is 1,500 / 45 a minute.
 */
export function arrivalRate(minute: number): number {
  const peak = BUILT_IN.weekdayPeakPlayers / BUILT_IN.sessionMeanMinutes;
  return peak * dailyShare(minute % 1440) * (isWeekend(minute) ? BUILT_IN.weekendFactor : 1);
}

/** `weeks` weeks of the built-in demand (the last one measured, the rest history), the same for a seed. */
export function builtInTrace(seed: number, weeks = 5): Trace {
  const random = seededRandom(seed);
  // The sizes are exact shares, not draws; which server gets which size is drawn.
  const sizes = BUILT_IN.memoryShares.flatMap(({ memoryMb, share }) => Array<number>(Math.round(BUILT_IN.servers * share)).fill(memoryMb));
  for (let i = sizes.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [sizes[i], sizes[j]] = [sizes[j]!, sizes[i]!];
  }
  const rank = zipfSampler(BUILT_IN.servers, BUILT_IN.zipfExponent);
  const minutes = weeks * WEEK_MINUTES;
  const sessions: Array<[number, number, number]> = [];
  for (let minute = 0; minute < minutes; minute++) {
    const joins = poisson(random, arrivalRate(minute));
    for (let j = 0; j < joins; j++) {
      const length = Math.max(1, Math.round(exponential(random, BUILT_IN.sessionMeanMinutes)));
      sessions.push([rank(random), minute, minute + length]);
    }
  }
  return { minutes, servers: sizes.map((memoryMb) => ({ memoryMb })), sessions: packSessions(sessions) };
}
