import { expect } from 'chai';
import { assertTimeZone } from '@conductor/core';
import { nextRun, toCron } from '../schedule-rules.js';

const at = (iso: string) => new Date(iso);

describe('backup schedule rules (cron-parser in the owner\'s zone)', () => {
  it('turns daily and weekly rules into cron and refuses bad rules with stable codes', () => {
    expect(toCron({ kind: 'daily', time: '03:00' })).to.equal('0 3 * * *');
    expect(toCron({ kind: 'weekly', time: '23:45', weekday: 0 })).to.equal('45 23 * * 0');
    expect(toCron({ kind: 'cron', cron: ' 15  */6 * * 1-5 ' })).to.equal('15 */6 * * 1-5');
    for (const [rule, code] of [
      [{ kind: 'daily', time: '24:00' }, 'invalid_time'],
      [{ kind: 'daily', time: '3:00' }, 'invalid_time'],
      [{ kind: 'weekly', time: '03:00' }, 'invalid_weekday'],
      [{ kind: 'cron', cron: '* * * *' }, 'invalid_cron'],
      [{ kind: 'cron', cron: '61 * * * *' }, 'invalid_cron'],
    ] as const) {
      expect(() => toCron(rule), JSON.stringify(rule)).to.throw().with.property('code', code);
    }
    expect(() => assertTimeZone('Mars/Olympus')).to.throw().with.property('code', 'invalid_timezone');
    expect(() => assertTimeZone('Europe/Berlin')).to.not.throw();
  });

  it('keeps 03:00 Berlin time across both DST changes of 2026 (UTC offset +1 → +2 → +1)', () => {
    const daily = toCron({ kind: 'daily', time: '03:00' });
    expect(nextRun(daily, 'Europe/Berlin', at('2026-03-28T12:00:00Z')).toISOString(), 'the night clocks jump forward').to.equal('2026-03-29T01:00:00.000Z');
    expect(nextRun(daily, 'Europe/Berlin', at('2026-03-29T01:00:00Z')).toISOString(), 'the day after, summer time').to.equal('2026-03-30T01:00:00.000Z');
    expect(nextRun(daily, 'Europe/Berlin', at('2026-03-27T12:00:00Z')).toISOString(), 'the day before, winter time').to.equal('2026-03-28T02:00:00.000Z');
    expect(nextRun(daily, 'Europe/Berlin', at('2026-10-24T12:00:00Z')).toISOString(), 'the night clocks fall back').to.equal('2026-10-25T02:00:00.000Z');
    expect(nextRun(daily, 'Europe/Berlin', at('2026-10-25T02:00:00Z')).toISOString()).to.equal('2026-10-26T02:00:00.000Z');
  });

  it('runs a time that does not exist an hour later, and a time that happens twice once', () => {
    const half = toCron({ kind: 'daily', time: '02:30' });
    // 2026-03-29 02:30 does not exist in Berlin: 03:30 CEST = 01:30 UTC.
    expect(nextRun(half, 'Europe/Berlin', at('2026-03-28T12:00:00Z')).toISOString()).to.equal('2026-03-29T01:30:00.000Z');
    // 2026-10-25 02:30 happens twice (CEST, then CET): the first, 00:30 UTC, and not again at 01:30 UTC.
    const first = nextRun(half, 'Europe/Berlin', at('2026-10-24T12:00:00Z'));
    expect(first.toISOString()).to.equal('2026-10-25T00:30:00.000Z');
    expect(nextRun(half, 'Europe/Berlin', first).toISOString()).to.equal('2026-10-26T01:30:00.000Z');
  });

  it('reads weekly and cron rules in the zone, not in UTC', () => {
    const sunday = toCron({ kind: 'weekly', time: '00:30', weekday: 0 });
    // Sunday 00:30 in Berlin is Saturday 23:30 UTC in winter.
    expect(nextRun(sunday, 'Europe/Berlin', at('2026-01-01T00:00:00Z')).toISOString()).to.equal('2026-01-03T23:30:00.000Z');
    expect(nextRun('0 9 * * *', 'America/New_York', at('2026-03-07T20:00:00Z')).toISOString(), 'New York changes on 2026-03-08').to.equal('2026-03-08T13:00:00.000Z');
  });
});
