/** Where billing reads the time: tests move it to bill a generated history in the past. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
