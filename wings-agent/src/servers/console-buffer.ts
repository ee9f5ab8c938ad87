/**
 * The last lines of a server's console for late joiners, and a per-second budget so a server that
 * floods its console cannot flood every subscriber (and the agent) with it.
 */
export class ConsoleBuffer {
  private lines: string[] = [];
  private partial = '';
  private windowStart = 0;
  private windowCount = 0;
  private suppressed = 0;
  private summaryTimer: NodeJS.Timeout | null = null;

  /** `onSummary` receives the note about held-back lines when their second is over. */
  constructor(
    private readonly capacity: number,
    private readonly maxPerSecond: number,
    private readonly onSummary: (line: string) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Splits a chunk into lines; returns the lines to publish now (possibly with a summary line). */
  push(chunk: string): string[] {
    const text = this.partial + chunk;
    // A lone \r (progress bars) ends a line too, and output with no line breaks at all is cut into
    // pieces: a server that never prints a newline must not grow this string without bound.
    const parts = splitLines(text);
    this.partial = parts.pop() ?? '';
    const out: string[] = [];
    for (const raw of parts) {
      const line = stripControl(raw);
      this.remember(line);
      const t = this.now();
      if (t - this.windowStart >= 1000) {
        this.windowStart = t;
        this.windowCount = 0;
      }
      if (this.windowCount < this.maxPerSecond) {
        this.windowCount += 1;
        out.push(line);
      } else {
        this.suppressed += 1;
        // A burst followed by silence must still be reported: the note goes out when its second ends.
        this.summaryTimer ??= setTimeout(() => this.flushSummary(), Math.max(0, this.windowStart + 1000 - t));
        this.summaryTimer.unref?.();
      }
    }
    return out;
  }

  /** A line the agent itself adds (state changes, crash notes). */
  note(line: string): string {
    this.remember(line);
    return line;
  }

  recent(): string[] {
    return this.lines.slice(-this.capacity);
  }

  private remember(line: string): void {
    this.lines.push(line);
    // Trimmed once it holds twice the history: cutting the oldest line off every new one moved the
    // whole history per line on a flooding console.
    if (this.lines.length >= 2 * this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }

  private flushSummary(): void {
    this.summaryTimer = null;
    if (this.suppressed === 0) return;
    const line = `[conductor] ${this.suppressed} console lines were not streamed (more than ${this.maxPerSecond} a second); they are in the server's log files`;
    this.suppressed = 0;
    this.remember(line);
    this.onSummary(line);
  }
}

export const MAX_LINE = 8192;

export function splitLines(text: string): string[] {
  const parts = text.split(/\r\n|\r|\n/);
  const last = parts.pop() ?? '';
  const out: string[] = [];
  for (const part of parts) for (let i = 0; i < Math.max(part.length, 1); i += MAX_LINE) out.push(part.slice(i, i + MAX_LINE));
  let rest = last;
  while (rest.length > MAX_LINE) {
    out.push(rest.slice(0, MAX_LINE));
    rest = rest.slice(MAX_LINE);
  }
  out.push(rest);
  return out;
}

// Terminal escape sequences are noise in a browser console and can spoof its rendering.
function stripControl(line: string): string {
  // eslint-disable-next-line no-control-regex
  return line.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
}
