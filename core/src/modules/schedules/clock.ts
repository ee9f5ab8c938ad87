/** Where schedules read the time: tests move it across a DST change instead of waiting for one. */
export interface ScheduleClock {
  now(): Date;
}

export const systemClock: ScheduleClock = { now: () => new Date() };
