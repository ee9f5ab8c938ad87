/**
 * What Modrinth's X-Ratelimit-* headers said last: when the window has no requests left, the next
 * request waits for its reset instead of earning a 429.
 */
export class RateLimitGate {
  private remaining = Infinity;
  private resetsAt = 0;

  constructor(private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))) {}

  async wait(): Promise<void> {
    const now = Date.now();
    if (this.remaining > 0 || now >= this.resetsAt) return;
    await this.sleep(this.resetsAt - now);
    this.remaining = Infinity;
  }

  /** Reads the headers of an answer; returns the seconds until the window resets. */
  observe(headers: Headers): number {
    const remaining = Number(headers.get('x-ratelimit-remaining'));
    const reset = Number(headers.get('x-ratelimit-reset'));
    if (headers.has('x-ratelimit-remaining') && Number.isFinite(remaining)) this.remaining = remaining;
    if (headers.has('x-ratelimit-reset') && Number.isFinite(reset)) {
      this.resetsAt = Date.now() + reset * 1000;
      return reset;
    }
    return 1;
  }

  /** A 429: nothing is left until the reset. */
  exhausted(resetSeconds: number): void {
    this.remaining = 0;
    this.resetsAt = Date.now() + Math.max(resetSeconds, 1) * 1000;
  }
}
