import { expect } from 'chai';
import type { ServerState } from '@conductor/core/protocol';
import { createLogger } from '@conductor/core/shared';
import { SavePause, type SaveConsole } from './save-pause.js';

/** A console that records what was sent and answers as the given game would. */
class FakeConsole implements SaveConsole {
  readonly log: string[] = [];
  private readonly listeners = new Set<(line: string) => void>();
  constructor(
    public state: ServerState,
    private readonly answer: (command: string) => string | null,
  ) {}
  sendCommand(command: string): void {
    if (this.state !== 'running') throw new Error('not running');
    this.log.push(`> ${command}`);
    const reply = this.answer(command);
    if (reply !== null) setTimeout(() => this.print(reply), 5);
  }
  announce(line: string): void {
    this.log.push(line);
  }
  onConsoleLine(listener: (line: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  print(line: string): void {
    this.log.push(line);
    for (const l of this.listeners) l(line);
  }
}

const logger = createLogger({ LOG_LEVEL: 'silent', LOG_FORMAT: 'json' });
const commands = (c: FakeConsole) => c.log.filter((l) => l.startsWith('> '));

describe('pausing saves for a backup', () => {
  it('waits for "Saved the game", ignores a forged chat line, and resumes once after the last of two overlapping backups', async () => {
    const game = new FakeConsole('running', (c) =>
      c === 'save-all flush'
        ? '[12:00:00] [Server thread/INFO]: Saved the game'
        : c === 'save-off'
          ? '[12:00:00] [Server thread/INFO]: <Steve> Saved the game'
          : null,
    );
    const pause = new SavePause(() => game, logger, 10_000);
    const started = Date.now();
    const first = await pause.pause('s1');
    expect(first.outcome).to.equal('saved');
    expect(Date.now() - started).to.be.below(1000);
    const second = await pause.pause('s1');
    expect(second.outcome, 'shares the pause').to.equal('saved');
    expect(commands(game)).to.deep.equal(['> save-off', '> save-all flush']);
    await first.release();
    await first.release();
    expect(commands(game), 'the other backup still reads').to.deep.equal(['> save-off', '> save-all flush']);
    await second.release();
    expect(commands(game)).to.deep.equal(['> save-off', '> save-all flush', '> save-on']);
  });

  it('proceeds when the game refuses both commands, or after the timeout, saying so; a stopped server gets nothing', async () => {
    const squid = new FakeConsole('running', () => '[ERROR]: Command not found');
    const refused = await new SavePause(() => squid, logger, 10_000).pause('s2');
    expect(refused.outcome).to.equal('unknown_command');
    expect(squid.log.at(-1)).to.contain('does not know save-all');
    await refused.release();
    expect(commands(squid).at(-1)).to.equal('> save-on');

    const silent = new FakeConsole('running', () => null);
    const started = Date.now();
    const timedOut = await new SavePause(() => silent, logger, 300).pause('s3');
    expect(timedOut.outcome).to.equal('timeout');
    expect(Date.now() - started).to.be.within(250, 2000);
    expect(silent.log.at(-1)).to.match(/did not report done within 0.3s; archiving anyway/);
    silent.state = 'offline';
    await timedOut.release();
    expect(commands(silent), 'a server that stopped meanwhile is not sent save-on').to.deep.equal(['> save-off', '> save-all flush']);

    const stopped = new FakeConsole('offline', () => null);
    const none = await new SavePause(() => stopped, logger, 300).pause('s4');
    expect(none.outcome).to.equal('not_running');
    await none.release();
    expect(stopped.log).to.deep.equal([]);
    expect((await new SavePause(() => null, logger, 300).pause('gone')).outcome).to.equal('not_running');
  });
});
