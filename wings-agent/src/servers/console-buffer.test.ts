import { expect } from 'chai';
import { ConsoleBuffer, MAX_LINE } from './console-buffer.js';

describe('console buffer', () => {
  it('cuts output that never ends a line into bounded pieces, and treats a lone carriage return as a line end', () => {
    const buffer = new ConsoleBuffer(100, 10_000);
    let published: string[] = [];
    for (let i = 0; i < 50; i++) published = published.concat(buffer.push('x'.repeat(4096)));
    // 200 KiB without a newline: published in MAX_LINE pieces, at most one piece held back.
    expect(published.length).to.equal(Math.floor((50 * 4096) / MAX_LINE) - 1);
    expect(published.every((l) => l.length === MAX_LINE)).to.equal(true);
    expect(buffer.push('\rprogress 50%\rprogress 100%\n')).to.deep.equal(
      ['x'.repeat((50 * 4096) % MAX_LINE || MAX_LINE), 'progress 50%', 'progress 100%'].filter((l) => l.length > 0),
    );
  });

  it('keeps exactly the last lines of its history however many pass through', () => {
    const buffer = new ConsoleBuffer(10, 100_000);
    for (let n = 0; n < 35; n++) buffer.push(`line ${n}\n`);
    expect(buffer.recent()).to.deep.equal(Array.from({ length: 10 }, (_, i) => `line ${25 + i}`));
  });
});
