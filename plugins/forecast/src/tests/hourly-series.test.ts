import { expect } from 'chai';
import { awakeByHour, fillGaps, HOUR_MS } from '../hourly-series.js';

const T0 = Date.UTC(2026, 10, 2);
const at = (hours: number) => T0 + hours * HOUR_MS;

describe('hourly demand series', () => {
  it('keeps the peak of running servers and their memory per hour, through resizes, crashes and deletes, in time order', () => {
    const hours = awakeByHour(
      [
        // Given out of order, as late agent events arrive.
        { type: 'server.stopped', serverId: 'b', atMs: at(2.5) },
        { type: 'server.started', serverId: 'a', atMs: at(0.25) },
        { type: 'server.started', serverId: 'b', atMs: at(1.5) },
        { type: 'server.memory_changed', serverId: 'a', atMs: at(1.75), memoryMb: 4096 },
        { type: 'server.crashed', serverId: 'a', atMs: at(3.1) },
        { type: 'server.started', serverId: 'c', atMs: at(3.2) },
        { type: 'server.deleted', serverId: 'c', atMs: at(3.3) },
        { type: 'server.stopped', serverId: 'c', atMs: at(3.4) }, // already gone: changes nothing
      ],
      T0,
      at(5),
      (id) => ({ a: 2048, b: 1024, c: 512 })[id] ?? 0,
    );
    expect(hours).to.deep.equal([
      { servers: 1, memoryMb: 2048 },
      { servers: 2, memoryMb: 4096 + 1024 },
      // b stops at 2:30; the hour's peak still has it.
      { servers: 2, memoryMb: 4096 + 1024 },
      { servers: 1, memoryMb: 4096 },
      { servers: 0, memoryMb: 0 },
    ]);
  });

  it('fills a gap with no week around it by a straight line between its neighbours', () => {
    const points = fillGaps(T0, [10, null, null, 40, null]);
    expect(points.map((p) => [p.value, p.filled])).to.deep.equal([
      [10, false],
      [20, true],
      [30, true],
      [40, false],
      [40, true],
    ]);
  });
});
