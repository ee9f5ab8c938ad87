import { expect } from 'chai';
import { builtInTrace } from './built-in-week.js';
import { defaultSettings, moveSeconds, type SimSettings } from './settings.js';
import { simulate, type SimResult } from './simulate.js';
import { readTraceCsv, TraceError, WEEK_MINUTES, type Trace } from './trace.js';

/** Players online in each minute of a trace. */
function playersPerMinute(trace: Trace): Int32Array {
  const online = new Int32Array(trace.minutes + 1);
  for (let i = 0; i < trace.sessions.start.length; i++) {
    online[trace.sessions.start[i]!]!++;
    online[Math.min(trace.minutes, trace.sessions.end[i]!)]!--;
  }
  for (let m = 1; m <= trace.minutes; m++) online[m]! += online[m - 1]!;
  return online;
}

/** Mean players online per hour of the day over the given days of the trace. */
function byHourOfDay(online: Int32Array, days: number[]): number[] {
  return Array.from({ length: 24 }, (_, hour) => {
    let sum = 0;
    for (const day of days) for (let m = 0; m < 60; m++) sum += online[day * 1440 + hour * 60 + m]!;
    return sum / (days.length * 60);
  });
}

describe('fleet simulator: the built-in week', function () {
  this.timeout(180_000);
  const trace = builtInTrace(42);
  const settings = defaultSettings();
  const results = new Map<string, SimResult & { seconds: number }>();

  before(() => {
    for (const policy of ['static', 'reactive', 'predictive'] as const) {
      const began = performance.now();
      const result = simulate(trace, policy, settings);
      results.set(policy, { ...result, seconds: (performance.now() - began) / 1000 });
    }
  });

  it('is the same week for the same seed, and another for another seed', () => {
    const again = builtInTrace(42);
    expect(Buffer.from(again.sessions.start.buffer).equals(Buffer.from(trace.sessions.start.buffer))).to.equal(true);
    expect(Buffer.from(again.sessions.server.buffer).equals(Buffer.from(trace.sessions.server.buffer))).to.equal(true);
    expect(again.servers).to.deep.equal(trace.servers);
    expect(builtInTrace(43).sessions.start.length).to.not.equal(trace.sessions.start.length);
    const rerun = simulate(trace, 'reactive', settings);
    expect(rerun).to.deep.equal(Object.fromEntries(Object.entries(results.get('reactive')!).filter(([k]) => k !== 'seconds')));
  });

  it('has the shape the issue fixes: 500 servers 60/30/10 %, peak near 20:00, 15 % at 05:00, weekends 1.5 times', () => {
    const sizes = trace.servers.map((s) => s.memoryMb);
    expect(sizes).to.have.length(500);
    expect(sizes.filter((m) => m === 2048)).to.have.length(300);
    expect(sizes.filter((m) => m === 4096)).to.have.length(150);
    expect(sizes.filter((m) => m === 8192)).to.have.length(50);
    const online = playersPerMinute(trace);
    // Weeks start on a Monday: per week days 0-4 are weekdays, 5-6 the weekend.
    const weekdays = Array.from({ length: 35 }, (_, d) => d).filter((d) => d % 7 < 5);
    const weekends = Array.from({ length: 35 }, (_, d) => d).filter((d) => d % 7 >= 5);
    const weekday = byHourOfDay(online, weekdays);
    const weekend = byHourOfDay(online, weekends);
    const peak = Math.max(...weekday);
    // Sessions last 45 minutes on average, so players online trail the arrival curve by under an hour.
    expect(weekday.indexOf(peak)).to.be.within(20, 21);
    expect(peak).to.be.within(1400, 1600);
    expect(Math.min(...weekday) / peak).to.be.within(0.1, 0.22);
    expect(Math.max(...weekend) / peak).to.be.within(1.4, 1.6);
  });

  it('sizes the static fleet by hand: 1,600 GB on 64 GB nodes is 25 nodes, 4,200 node-hours a week', () => {
    const fixed = results.get('static')!;
    expect(fixed.staticNodeHours).to.equal(25 * 168);
    expect(fixed.nodeHours).to.equal(25 * 168);
    expect(fixed.fewerNodeHoursPct).to.equal(0);
    expect(fixed.waits.max).to.equal(0);
  });

  it("frees a sleeping server's memory as the product does in a scaled cluster: the fleet shrinks under the static one, down to what the disk holds, and full-node wakes move first", () => {
    const predictive = results.get('predictive')!;
    const reactive = results.get('reactive')!;
    // Every server keeps its 10 GB of disk: 500 of them need 14 nodes of 360 GB whatever sleeps.
    const diskFloor = Math.ceil((500 * settings.serverDiskMb) / settings.nodeDiskMb);
    for (const r of [reactive, predictive]) {
      expect(Math.min(...r.hourly.nodes), r.policy)
        .to.be.below(25)
        .and.at.least(diskFloor);
      expect(r.fewerNodeHoursPct, r.policy).to.be.above(20);
      expect(r.movedWaits.joins, r.policy).to.be.above(0);
      expect(r.movedWaits.max, r.policy).to.be.at.least(moveSeconds(settings, 2048) + settings.startFromSleepSeconds);
      expect(r.waits.max, r.policy).to.be.at.least(r.movedWaits.max);
    }
    expect(predictive.waits.joins).to.equal(reactive.waits.joins).and.to.be.above(100_000);
    expect(predictive.waits.max).to.be.a('number').and.to.be.at.least(predictive.waits.p99);
    expect(predictive.backtest?.chosen).to.be.oneOf(['mstl', 'seasonal_naive']);
    expect(predictive.hourly.nodes).to.have.length(168);
    expect(Number.isInteger(predictive.costCents) && Number.isInteger(predictive.revenueCents)).to.equal(true);
    // For docs/status.md: the figures and how long each policy's week took.
    for (const r of results.values())
      console.log(
        `    ${r.policy}: ${r.nodeHours.toFixed(1)} node-hours, ${r.fewerNodeHoursPct} % fewer; waits p50 ${r.waits.p50} s p99 ${r.waits.p99} s max ${r.waits.max} s, ${r.waits.long} long; moved first ${r.movedWaits.joins} (max ${r.movedWaits.max} s); ${r.seconds.toFixed(1)} s`,
      );
  });

  it("keeps a sleeping server's memory booked when the policy says so: no fleet under the one that holds every server", () => {
    const kept = simulate(trace, 'reactive', { ...settings, clusterPolicy: { ...settings.clusterPolicy, sleepFreesMemory: false } });
    expect(Math.min(...kept.hourly.nodes)).to.be.at.least(25);
    expect(kept.movedWaits.joins).to.equal(0);
    expect(kept.waits.max).to.equal(settings.startFromSleepSeconds);
  });

  it('simulates the predictive week in under a minute', () => {
    expect(results.get('predictive')!.seconds).to.be.below(60);
  });
});

describe("fleet simulator: a sleeping server's memory, two servers of a node's size", () => {
  // a joins at minute 1 and b at minute 2, both staying; each takes a whole node's memory.
  const rows = ['minute,server,memory_mb,players', '0,a,4096,0', '0,b,4096,0'];
  for (let m = 1; m <= 30; m++) rows.push(`${m},a,4096,1`, ...(m >= 2 ? [`${m},b,4096,1`] : []));
  const trace = readTraceCsv(rows.join('\n'));
  const base = defaultSettings();
  const settings = (sleepFreesMemory: boolean): SimSettings => ({
    ...base,
    nodeMemoryMb: 4096,
    nodeDiskMb: 100_000,
    serverDiskMb: 1024,
    // No wake reserve: what is tested here is the accounting of a wake that finds its node full.
    clusterPolicy: {
      ...base.clusterPolicy,
      headroomMb: 0,
      spares: 0,
      sleepFreesMemory,
      sleepFreesMemoryAfterMinutes: 0,
      wakeReserveSleepers: 0,
    },
  });

  it('frees it: both sleepers share one node (disk), b finds it full, the scaler orders a node and b moves there before it starts', () => {
    const result = simulate(trace, 'reactive', settings(true));
    expect(result.nodesOrdered).to.equal(1);
    expect(result.hourly.nodes[0]).to.equal(1);
    // b asked at minute 2; the node ordered in that pass is ready 90 s later; then the move and the start.
    const movedWait = base.nodeBootSeconds + moveSeconds(base, 4096) + base.startFromSleepSeconds;
    expect(result.movedWaits).to.deep.include({ joins: 1, max: movedWait });
    expect(result.waits).to.deep.include({ joins: 2, max: movedWait });
  });

  it('keeps it booked: the sleepers start on two nodes, each wakes in place', () => {
    const result = simulate(trace, 'reactive', settings(false));
    expect(result.nodesOrdered).to.equal(0);
    expect(result.hourly.nodes[0]).to.equal(2);
    expect(result.movedWaits.joins).to.equal(0);
    expect(result.waits).to.deep.include({ joins: 2, max: base.startFromSleepSeconds });
  });
});

describe("fleet simulator: a sleeper keeps its memory booked for the policy's grace", () => {
  // One 4 GB node holds both (disk) while they sleep. a (4 GB) plays minutes 1-10 and sleeps at
  // about minute 16; b (2 GB) joins at `bJoins`; a comes back at `aReturns`.
  const trace = (bJoins: number, aReturns: number) => {
    const rows = ['minute,server,memory_mb,players', '0,a,4096,0', '0,b,2048,0'];
    for (let m = 1; m <= 10; m++) rows.push(`${m},a,4096,1`);
    for (let m = bJoins; m <= bJoins + 10; m++) rows.push(`${m},b,2048,1`);
    for (let m = aReturns; m <= aReturns + 10; m++) rows.push(`${m},a,4096,1`);
    return readTraceCsv(rows.join('\n'));
  };
  const base = defaultSettings();
  const settings = (afterMinutes: number): SimSettings => ({
    ...base,
    nodeMemoryMb: 4096,
    nodeDiskMb: 100_000,
    serverDiskMb: 1024,
    // The shrinker kept out of it (the node is never emptied under the sleepers), and the wake
    // reserve too: the grace alone decides which wake finds the node full.
    clusterPolicy: {
      ...base.clusterPolicy,
      headroomMb: 0,
      spares: 0,
      scaleDownAfterSeconds: 604_800,
      sleepFreesMemoryAfterMinutes: afterMinutes,
      wakeReserveSleepers: 0,
    },
  });
  const movedAfterBoot = (memoryMb: number) => base.nodeBootSeconds + moveSeconds(base, memoryMb) + base.startFromSleepSeconds;

  it('within the grace: b finds a still booked and moves to a new node; a, back soon, wakes in place', () => {
    const result = simulate(trace(20, 25), 'reactive', settings(60));
    expect(result.movedWaits).to.deep.include({ joins: 1, max: movedAfterBoot(2048) });
    expect(result.waits).to.deep.include({ joins: 3, max: movedAfterBoot(2048) });
  });

  it('with no grace: b takes the room a gave back, and a, back soon, is the one moved', () => {
    const result = simulate(trace(20, 25), 'reactive', settings(0));
    expect(result.movedWaits).to.deep.include({ joins: 1, max: movedAfterBoot(4096) });
  });

  it('after the grace: a has given its memory back, b wakes in place and nothing moves', () => {
    const result = simulate(trace(90, 200), 'reactive', settings(60));
    expect(result.nodesOrdered).to.equal(0);
    expect(result.movedWaits.joins).to.equal(0);
    expect(result.waits).to.deep.include({ joins: 3, max: base.startFromSleepSeconds });
  });
});

describe("fleet simulator: a node keeps room for its sleepers' next wake", () => {
  // Two servers' disk per node: x (a node's memory) and s share the first node, t sleeps on the
  // second. x plays from minute 1 and fills the first node; s joins at minute 10.
  const rows = ['minute,server,memory_mb,players', '0,x,4096,0', '0,s,2048,0', '0,t,2048,0'];
  for (let m = 1; m <= 30; m++) rows.push(`${m},x,4096,1`, ...(m >= 10 ? [`${m},s,2048,1`] : []));
  const trace = readTraceCsv(rows.join('\n'));
  const base = defaultSettings();
  const settings: SimSettings = {
    ...base,
    nodeMemoryMb: 4096,
    nodeDiskMb: 2048,
    serverDiskMb: 1024,
    clusterPolicy: { ...base.clusterPolicy, headroomMb: 0, spares: 0, scaleDownAfterSeconds: 604_800 },
  };

  it("moves s (asleep, nobody waits) to the node with room once x fills its own, so s's wake is in place", () => {
    const result = simulate(trace, 'reactive', settings);
    expect(result.nodesOrdered).to.equal(0);
    expect(result.movedWaits.joins).to.equal(0);
    expect(result.waits).to.deep.include({ joins: 2, max: base.startFromSleepSeconds });
  });
});

describe('fleet simulator: a CSV trace', () => {
  it('turns players per server per minute into sessions, the first in the first out', () => {
    const trace = readTraceCsv('minute,server,memory_mb,players\n0,lobby,2048,2\n1,lobby,2048,1\n2,smp,4096,1\n');
    expect(trace.minutes).to.equal(3);
    expect(trace.servers).to.deep.equal([{ memoryMb: 2048 }, { memoryMb: 4096 }]);
    expect([...trace.sessions.server]).to.deep.equal([0, 0, 1]);
    expect([...trace.sessions.start]).to.deep.equal([0, 0, 2]);
    expect([...trace.sessions.end]).to.deep.equal([1, 2, 3]);
  });

  it('refuses a wrong header or a bad cell with the line', () => {
    expect(() => readTraceCsv('minute,server,players\n')).to.throw(TraceError, 'line 1');
    expect(() => readTraceCsv('minute,server,memory_mb,players\n0,a,2048,-1\n')).to.throw(TraceError, 'line 2: players');
    expect(() => readTraceCsv('minute,server,memory_mb,players\n0,a,2048,1\n1,a,4096,1\n')).to.throw(TraceError, 'changed its memory_mb');
  });

  it('leaves a trace shorter than four weeks without a forecast: predictive reacts only', () => {
    const rows = ['minute,server,memory_mb,players'];
    for (let m = 0; m < WEEK_MINUTES; m += 30) rows.push(`${m},a,2048,${m % 60 === 0 ? 1 : 0}`);
    const result = simulate(readTraceCsv(rows.join('\n')), 'predictive', defaultSettings());
    expect(result.backtest).to.equal(null);
    expect(result.staticNodeHours).to.be.closeTo(168, 1);
  });
});
