import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { clusterPolicy } from '../policy.js';
import { builtInTrace } from './built-in-week.js';
import { defaultSettings, SIM_POLICIES, type SimPolicy } from './settings.js';
import { simulate, type SimResult } from './simulate.js';
import { readTraceCsv } from './trace.js';

/**
 * `npm run simulate [-- --seed N] [--trace file.csv] [--policy static|reactive|predictive] [--sleep-grace MINUTES] [--wake-reserve N]`:
 * figures on stdout, progress on stderr. `--sleep-grace` sets the cluster policy's `sleepFreesMemoryAfterMinutes`,
 * `--wake-reserve` its `wakeReserveSleepers`.
 */
const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    trace: { type: 'string' },
    policy: { type: 'string' },
    'sleep-grace': { type: 'string' },
    'wake-reserve': { type: 'string' },
  },
  strict: true,
});
const seed = Number(values.seed);
if (!Number.isInteger(seed) || seed < 0) fail('--seed must be a whole number from 0');
if (values.policy && !SIM_POLICIES.includes(values.policy as SimPolicy)) fail(`--policy must be one of ${SIM_POLICIES.join(', ')}`);
const policies = values.policy ? [values.policy as SimPolicy] : SIM_POLICIES;

const began = performance.now();
const trace = values.trace ? readTrace(values.trace) : builtInTrace(seed);
const settings = defaultSettings();
if (values['sleep-grace'] !== undefined) {
  const grace = clusterPolicy.shape.sleepFreesMemoryAfterMinutes.safeParse(Number(values['sleep-grace']));
  if (!grace.success) fail('--sleep-grace must be whole minutes from 0 to 10080');
  settings.clusterPolicy = { ...settings.clusterPolicy, sleepFreesMemoryAfterMinutes: grace.data };
}
if (values['wake-reserve'] !== undefined) {
  const reserve = clusterPolicy.shape.wakeReserveSleepers.safeParse(Number(values['wake-reserve']));
  if (!reserve.success) fail('--wake-reserve must be a whole number of sleepers from 0 to 8');
  settings.clusterPolicy = { ...settings.clusterPolicy, wakeReserveSleepers: reserve.data };
}
const bar = new SingleBar({ stream: process.stderr, format: '{policy} [{bar}] {percentage} %', hideCursor: true });
const results: SimResult[] = [];
for (const policy of policies) {
  const policyBegan = performance.now();
  bar.start(100, 0, { policy: policy.padEnd(10) });
  results.push(simulate(trace, policy, settings, (share) => bar.update(Math.round(share * 100))));
  bar.stop();
  process.stderr.write(`${policy}: ${((performance.now() - policyBegan) / 1000).toFixed(1)} s\n`);
}
const euros = (cents: number) => `${(cents / 100).toFixed(2)}`;
out(
  `trace: ${values.trace ?? `built-in week, seed ${seed}`}; ${trace.servers.length} servers, ${trace.sessions.start.length} sessions; ` +
    `sleepers free their memory after ${settings.clusterPolicy.sleepFreesMemoryAfterMinutes} min; ` +
    `each node keeps room for ${settings.clusterPolicy.wakeReserveSleepers} sleeper(s)' wake`,
);
for (const r of results) {
  out(
    `${r.policy}: ${r.nodeHours.toFixed(1)} node-hours (static fleet ${r.staticNodeHours.toFixed(1)}), ${r.fewerNodeHoursPct} % fewer node-hours; ` +
      `wait to join p50 ${r.waits.p50} s, p99 ${r.waits.p99} s, max ${r.waits.max} s, ${r.waits.long} long waits (> 60 s) of ${r.waits.joins} joins; ` +
      `wakes that moved the server first: ${r.movedWaits.joins} joins, p50 ${r.movedWaits.p50} s, p99 ${r.movedWaits.p99} s, max ${r.movedWaits.max} s; ` +
      `archived joins ${r.archivedWaits.joins} (max ${r.archivedWaits.max} s); ` +
      `cost ${euros(r.costCents)}, revenue ${euros(r.revenueCents)} (${settings.prices.active} µ¢/GB-h active)`,
  );
  if (r.backtest)
    out(
      `  forecast backtest: ${Object.entries(r.backtest.mape)
        .map(([m, v]) => `${m} MAPE ${v === null ? '-' : (v * 100).toFixed(1)} %`)
        .join(', ')}; chosen ${r.backtest.chosen}`,
    );
}
out(`simulated in ${((performance.now() - began) / 1000).toFixed(1)} s`);

function readTrace(path: string) {
  try {
    return readTraceCsv(readFileSync(path, 'utf8'));
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}
