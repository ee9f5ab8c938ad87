/** Real time moved to wherever a test needs it (a DST night), and running on from there. */
export class MovableClock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  set(at: Date | string): void {
    this.offsetMs = new Date(at).getTime() - Date.now();
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
