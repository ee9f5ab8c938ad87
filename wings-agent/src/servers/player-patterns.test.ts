import { expect } from 'chai';
import { serverSpec } from '@conductor/core/protocol';

// The patterns a spec without its own gets; the agent runs both on every console line it streams.
const { joined, left } = serverSpec.shape.playerPatterns.parse(undefined);
const join = new RegExp(joined);
const leave = new RegExp(left);

describe('default player patterns', () => {
  it('find vanilla, Paper and flying-squid joins and leaves, and no name inside a longer word', () => {
    expect(join.exec('[12:00:01] [Server thread/INFO]: Steve joined the game')?.groups?.name).to.equal('Steve');
    expect(join.exec('[12:00:01] [Server thread/INFO]: Alex_1 (/127.0.0.1:51234) connected')?.groups?.name).to.equal('Alex_1');
    expect(join.exec('Bot7 (127.0.0.1) connected')?.groups?.name).to.equal('Bot7');
    expect(leave.exec('[12:00:09] [Server thread/INFO]: Steve left the game')?.groups?.name).to.equal('Steve');
    expect(leave.exec('Bot7 disconnected')?.groups?.name).to.equal('Bot7');
    // Seventeen characters are no Minecraft name: the old pattern reported its last sixteen.
    expect(join.exec('abcdefghijklmnopq joined the game')).to.equal(null);
    expect(join.exec('line 1 1700000000000 xxxxxxxx')).to.equal(null);
  });

  it('cost little on a flooding console: 20,000 lines of 100 bytes in under 60 ms of CPU', () => {
    // The firehose bench's lines (bench/console.ts): before, both patterns tried a name at every
    // character and backtracked, about 170 ms of CPU per 20,000 lines (a sixth of a core at 20,000 lines/s).
    const pad = 'x'.repeat(80);
    const lines = Array.from({ length: 20_000 }, (_, n) => `line ${n} ${1_700_000_000_000 + n} ${pad}`);
    let best = Infinity;
    for (let round = 0; round < 3; round++) {
      const before = process.cpuUsage();
      for (const line of lines) {
        join.exec(line);
        leave.exec(line);
      }
      const used = process.cpuUsage(before);
      best = Math.min(best, (used.user + used.system) / 1000);
    }
    expect(best).to.be.below(60);
  });
});
