/** Where the plugin reads the time: tests swap it to cover 24 hours of retries without waiting. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
