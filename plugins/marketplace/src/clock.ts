/** Where the plugin reads the time: tests move it to a nightly window instead of waiting for one. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
