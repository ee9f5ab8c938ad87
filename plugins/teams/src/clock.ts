/** Where the teams plugin reads the time (invite expiry); tests move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
