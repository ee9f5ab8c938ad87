import { expect } from 'chai';
import { startNodeFor, startPanel, testImage, type TestNode, type TestPanel } from '@conductor/test';
import { consoleViewer, startFirehose, stopFirehose } from './console-firehose.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const VIEWERS = 40;
/** A small budget, so that 40 viewers are a crowd: one message every 40 ms at most (25 a second). */
const WRITES_PER_SECOND = 1000;

describe('servers: one console to a crowd of viewers (sqlite)', function () {
  this.timeout(180_000);
  let panel: TestPanel;
  let node: TestNode;
  let serverId: string;

  before(async () => {
    await testImage();
    panel = await startPanel({
      database: 'sqlite',
      config: { LOG_LEVEL: 'warn', plugins: { servers: { consoleWritesPerSecond: WRITES_PER_SECOND } } },
    });
    node = await startNodeFor(panel, { name: 'crowd', agentConfig: { CONSOLE_MAX_LINES_PER_SECOND: '100000' } });
    // The firehose prints 100 times a second, so the agent sends about 100 messages a second.
    serverId = await startFirehose(panel, 'console-crowd', 'Crowd', 2000);
  });
  after(async () => {
    if (panel) await stopFirehose(panel, serverId);
    await panel?.close();
    await node?.close();
  });

  it('sends every line to every viewer in fewer, larger messages, within the write budget', async () => {
    const viewers = [];
    for (let i = 0; i < VIEWERS; i++) viewers.push(await consoleViewer(panel, serverId));
    const lines0 = viewers.map((v) => v.lines());
    const messages0 = viewers.map((v) => v.messages());
    const seconds = 4;
    await sleep(seconds * 1000);
    const lines = viewers.map((v, i) => v.lines() - lines0[i]!);
    const perSecond = viewers.map((v, i) => (v.messages() - messages0[i]!) / seconds);
    for (const v of viewers) v.socket.close();

    // 40 viewers × 25 messages a second is the 1,000 writes; before, each got the agent's ~100.
    expect(Math.max(...perSecond), `messages a second per viewer: ${perSecond.join(', ')}`).to.be.at.most(30);
    // Nobody is skipped: each viewer's lines in the window differ by at most a batch or two.
    expect(Math.min(...lines), `lines per viewer: ${lines.join(', ')}`).to.be.greaterThan(Math.max(...lines) * 0.9);
    expect(Math.min(...lines) / seconds, 'lines a second').to.be.greaterThan(1000);
  });
});
