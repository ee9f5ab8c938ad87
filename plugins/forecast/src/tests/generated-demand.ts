import { HOUR_MS } from '../hourly-series.js';

/** A small seeded generator (mulberry32), so a failing series can be replayed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Players online per hour for a fleet: a daily curve peaking at 20:00 UTC and lowest at 05:00,
 * weekends 1.5 times the weekday peak, plus Gaussian noise of `noise` times the level.
 * `startMs` is a UTC hour; the pattern follows the clock, not the index.
 */
export function demandTrace(options: { startMs: number; hours: number; peak: number; noise: number; seed: number }): number[] {
  const rnd = random(options.seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  return Array.from({ length: options.hours }, (_, i) => {
    const at = new Date(options.startMs + i * HOUR_MS);
    const hour = at.getUTCHours();
    const weekend = at.getUTCDay() === 0 || at.getUTCDay() === 6;
    // Cosine between 15 % of the peak at 05:00 and the peak at 20:00 (15 hours up, 9 down).
    const phase = hour >= 5 && hour < 20 ? (hour - 5) / 15 : 1 + ((hour + 24 - 20) % 24) / 9;
    const shape = 0.15 + 0.85 * (0.5 - 0.5 * Math.cos(Math.PI * phase));
    const level = options.peak * shape * (weekend ? 1.5 : 1);
    return Math.max(0, Math.round(level * (1 + options.noise * gaussian())));
  });
}
