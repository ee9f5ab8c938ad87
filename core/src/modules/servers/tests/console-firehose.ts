import { io as connect, type Socket } from 'socket.io-client';
import { expect } from 'chai';
import { ADMIN_TOKEN, testImage, until, type TestPanel } from '@conductor/test';

/**
 * A template whose "game" prints `linesPerSecond` console lines of about 100 bytes, in 100 batches
 * a second, in the test image's own node: real container output through the real agent. Each line
 * reads `line <n> <ms since the epoch> xxx…`, so a reader on the same host can time its trip.
 */
export async function firehoseTemplate(panel: TestPanel, id: string, linesPerSecond: number): Promise<void> {
  const base = (await panel.request('GET', '/api/templates/conductor-test')).body.template;
  const perTick = Math.max(1, Math.round(linesPerSecond / 100));
  const script =
    `const pad='x'.repeat(80);let n=0;console.log('Done (0s)');` +
    `setInterval(()=>{const t=Date.now();let b='';for(let i=0;i<${perTick};i++)b+='line '+(n++)+' '+t+' '+pad+String.fromCharCode(10);process.stdout.write(b)},10)`;
  const template = {
    ...base,
    id,
    name: 'Console firehose',
    images: [{ name: 'Test image', image: await testImage() }],
    startup: `/usr/bin/node -e "${script}"`,
  };
  const created = await panel.request('POST', '/api/templates', { body: template });
  if (created.status !== 201) throw new Error(`could not add the template: ${JSON.stringify(created.body)}`);
}

/** A viewer of one server's console that counts the lines and the messages it receives. */
export async function consoleViewer(
  panel: TestPanel,
  serverId: string,
): Promise<{ socket: Socket; lines: () => number; messages: () => number; dropped: Promise<string> }> {
  const socket = connect(`${panel.url}/servers`, {
    transports: ['websocket'],
    auth: { token: ADMIN_TOKEN },
    forceNew: true,
    reconnection: false,
  });
  let count = 0;
  let messages = 0;
  socket.on('server:console', (m: { lines: string[] }) => {
    count += m.lines.length;
    messages += 1;
  });
  const dropped = new Promise<string>((resolve) => socket.on('disconnect', (reason) => resolve(reason)));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const ack = (await socket.emitWithAck('server:subscribe', { serverId })) as { error?: unknown };
  if (ack.error) throw new Error(`subscribe: ${JSON.stringify(ack)}`);
  return { socket, lines: () => count, messages: () => messages, dropped };
}

/** A running server of a firehose template (made here), ready for viewers; `stopFirehose` removes it. */
export async function startFirehose(panel: TestPanel, templateId: string, name: string, linesPerSecond: number): Promise<string> {
  await firehoseTemplate(panel, templateId, linesPerSecond);
  const created = await panel.request('POST', '/api/servers', { body: { name, templateId, memoryMb: 256 } });
  expect(created.status, JSON.stringify(created.body)).to.equal(201);
  const serverId = created.body.id as string;
  expect((await panel.request('POST', `/api/servers/${serverId}/power/start`)).status).to.equal(200);
  await until(
    'the firehose running',
    async () => (await panel.request('GET', `/api/servers/${serverId}`)).body.state === 'running',
    60_000,
  );
  return serverId;
}

export async function stopFirehose(panel: TestPanel, serverId: string | undefined): Promise<void> {
  if (!serverId) return;
  await panel.request('POST', `/api/servers/${serverId}/power/kill`);
  await panel.request('DELETE', `/api/servers/${serverId}?force=true`);
}
