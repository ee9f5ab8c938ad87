import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { io as connect, type Socket } from 'socket.io-client';
import { ADMIN_TOKEN, startNodeFor, startPanel, testImage, until } from '@conductor/test';
import { firehoseTemplate } from '../core/src/modules/servers/tests/console-firehose.js';

/**
 * Issue 23's console relay figures: a container printing RATE lines a second (real agent, real
 * panel), each line stamped when printed. Through the panel vs straight at the agent: how late a
 * line arrives (p50, p99); a control request's latency during the flood; then VIEWERS viewers in
 * another process and one here on a console printing CROWD_RATE lines a second, fed from one
 * agent stream. Panel and agent share this
 * process (as in bench/panel.ts), so both paths pay for both.
 */
const RATE = Number(process.env.BENCH_CONSOLE_RATE ?? 20_000);
const VIEWERS = Number(process.env.BENCH_CONSOLE_VIEWERS ?? 1000);
/** The crowd watches a second console at a rate a crowd could read (20,000 lines/s to 1,000 viewers is 2 GB/s). */
const CROWD_RATE = Number(process.env.BENCH_CONSOLE_CROWD_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_CONSOLE_SECONDS ?? 10);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

/** Lines received on `socket` for SECONDS, with how late each was; `during` runs alongside. */
async function lateness(socket: Socket, during?: () => Promise<number[]>): Promise<{ delays: number[]; control: number[] }> {
  const delays: number[] = [];
  const on = (m: { lines: string[] }) => {
    const now = Date.now();
    for (const line of m.lines) {
      const stamp = Number(line.split(' ')[2]);
      if (stamp) delays.push(now - stamp);
    }
  };
  socket.on('server:console', on);
  const control = during ? during() : sleep(SECONDS * 1000).then(() => []);
  const result = { delays, control: await control };
  socket.off('server:console', on);
  return result;
}

const opened = async (socket: Socket) => {
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return socket;
};

/** Subscribes through the panel; the crowd may just have used this key's subscriptions for the second. */
async function subscribe(socket: Socket, id: string): Promise<void> {
  for (;;) {
    const reply = (await socket.emitWithAck('server:subscribe', { serverId: id })) as { error?: { code: string; message: string } };
    if (!reply.error) return;
    if (reply.error.code !== 'rate_limited') throw new Error(reply.error.message);
    await sleep(1000);
  }
}

await testImage();
const panel = await startPanel({ database: 'sqlite', config: { LOG_LEVEL: 'warn' } });
const node = await startNodeFor(panel, {
  name: 'firehose',
  ports: 2,
  agentConfig: { CONSOLE_MAX_LINES_PER_SECOND: '100000', LOG_LEVEL: 'warn' },
});
let serverId = '';
let crowdId = '';
try {
  await firehoseTemplate(panel, 'console-firehose', RATE);
  serverId = (await panel.request('POST', '/api/servers', { body: { name: 'Firehose', templateId: 'console-firehose', memoryMb: 256 } }))
    .body.id;
  await panel.request('POST', `/api/servers/${serverId}/power/start`);
  await until('running', async () => (await panel.request('GET', `/api/servers/${serverId}`)).body.state === 'running', 60_000);

  const direct = await opened(connect(node.agent.url, { transports: ['websocket'], auth: { token: node.agent.agent.config.AGENT_TOKEN } }));
  await direct.emitWithAck('server:subscribe', { serverId });
  // The first seconds of the flood run on code not yet optimised; both paths are timed after it.
  await sleep(2000);
  const atAgent = await lateness(direct);
  direct.close();

  const viaPanel = await opened(connect(`${panel.url}/servers`, { transports: ['websocket'], auth: { token: ADMIN_TOKEN } }));
  await subscribe(viaPanel, serverId);
  // A control request every 100 ms while the console floods: it must not wait behind the lines.
  const controlRequests = async () => {
    const times: number[] = [];
    const end = performance.now() + SECONDS * 1000;
    while (performance.now() < end) {
      const t0 = performance.now();
      await panel.request('GET', `/api/servers/${serverId}`);
      times.push(performance.now() - t0);
      await sleep(100);
    }
    return times;
  };
  const alone = await lateness(viaPanel, controlRequests);
  const f = (x: number) => x.toFixed(1);
  console.log(
    `console at ${RATE} lines/s (${SECONDS}s): through the panel ${(alone.delays.length / SECONDS).toFixed(0)} lines/s received, line delay p50 ${f(pct(alone.delays, 50))} ms, p99 ${f(pct(alone.delays, 99))} ms; straight at the agent ${(atAgent.delays.length / SECONDS).toFixed(0)} lines/s, p50 ${f(pct(atAgent.delays, 50))} ms, p99 ${f(pct(atAgent.delays, 99))} ms; a control request (GET /api/servers/:id) meanwhile p50 ${f(pct(alone.control, 50))} ms, p99 ${f(pct(alone.control, 99))} ms`,
  );

  viaPanel.close();
  // The flood stops before the crowd's part, so the agent serves only the crowd's console.
  await panel.request('POST', `/api/servers/${serverId}/power/kill`);

  if (VIEWERS > 0) {
    await firehoseTemplate(panel, 'console-crowd', CROWD_RATE);
    crowdId = (await panel.request('POST', '/api/servers', { body: { name: 'Crowd', templateId: 'console-crowd', memoryMb: 256 } })).body
      .id;
    await panel.request('POST', `/api/servers/${crowdId}/power/start`);
    await until('running', async () => (await panel.request('GET', `/api/servers/${crowdId}`)).body.state === 'running', 60_000);
    const crowd = fork(
      fileURLToPath(new URL('./console/viewers.ts', import.meta.url)),
      [panel.url, ADMIN_TOKEN, crowdId, String(VIEWERS)],
      {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    const ask = <T>(type: string) =>
      new Promise<T>((resolve) => {
        crowd.once('message', (m) => resolve(m as T));
        crowd.send({ type });
      });
    await new Promise((resolve) => crowd.once('message', resolve));
    const one = await opened(connect(`${panel.url}/servers`, { transports: ['websocket'], auth: { token: ADMIN_TOKEN } }));
    await subscribe(one, crowdId);
    crowd.send({ type: 'reset' });
    const crowded = await lateness(one, controlRequests);
    const report = await ask<{ lines: number; fewest: number; dropped: number; connected: number }>('report');
    crowd.send({ type: 'close' });
    one.close();
    console.log(
      `console at ${CROWD_RATE} lines/s to ${VIEWERS + 1} viewers from one agent stream: one viewer's line delay p50 ${f(pct(crowded.delays, 50))} ms, p99 ${f(pct(crowded.delays, 99))} ms; control request p99 ${f(pct(crowded.control, 99))} ms; the crowd received ${(report.lines / VIEWERS / SECONDS).toFixed(0)} lines/s each on average (the fewest ${(report.fewest / SECONDS).toFixed(0)}), ${report.dropped} dropped as too slow, ${report.connected} still connected`,
    );
  }
} finally {
  for (const id of [serverId, crowdId].filter(Boolean)) {
    await panel.request('POST', `/api/servers/${id}/power/kill`);
    await panel.request('DELETE', `/api/servers/${id}?force=true`);
  }
  await panel.close();
  await node.close();
}
process.exit(0);
