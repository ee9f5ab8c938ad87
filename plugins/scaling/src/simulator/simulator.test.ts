import { expect } from 'chai';
import { builtInTrace } from './built-in-week.js';
import { defaultSettings } from './settings.js';
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

  it("counts a sleeping server's memory on its node as the product does: no fleet under the one that holds every server, no wake waits for a node", () => {
    const predictive = results.get('predictive')!;
    const reactive = results.get('reactive')!;
    // serverRepository.allocatedMemory sums every server on a node, asleep or not: 1,600 GB need 25 nodes all week.
    for (const r of [reactive, predictive]) {
      expect(Math.min(...r.hourly.nodes), r.policy).to.be.at.least(25);
      expect(r.waits.max, r.policy).to.equal(settings.startFromSleepSeconds);
    }
    expect(predictive.waits.joins).to.equal(reactive.waits.joins).and.to.be.above(100_000);
    expect(predictive.waits.max).to.be.a('number').and.to.be.at.least(predictive.waits.p99);
    expect(predictive.backtest?.chosen).to.be.oneOf(['mstl', 'seasonal_naive']);
    expect(predictive.hourly.nodes).to.have.length(168);
    expect(Number.isInteger(predictive.costCents) && Number.isInteger(predictive.revenueCents)).to.equal(true);
    // For docs/status.md: the figures and how long each policy's week took.
    for (const r of results.values())
      console.log(
        `    ${r.policy}: ${r.nodeHours.toFixed(1)} node-hours, ${r.fewerNodeHoursPct} % fewer; waits p50 ${r.waits.p50} s p99 ${r.waits.p99} s max ${r.waits.max} s, ${r.waits.long} long; ${r.seconds.toFixed(1)} s`,
      );
  });

  it('simulates the predictive week in under a minute', () => {
    expect(results.get('predictive')!.seconds).to.be.below(60);
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
