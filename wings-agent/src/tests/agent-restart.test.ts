import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { io as connect } from 'socket.io-client';
import { AGENT_SOCKET } from '@conductor/core/protocol';
import {
  AGENT_TOKEN,
  agentEnv,
  docker,
  freePort,
  requireDocker,
  RUN_ID,
  runAgentProcess as runAgent,
  startAgent,
  testImage,
  testServerSpec,
} from '@conductor/test';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function api(port: number, method: string, pathname: string, body?: unknown) {
  const res = await fetch(`http://127.0.0.1:${port}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${AGENT_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: res.status === 204 ? null : ((await res.json()) as any) }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('node agent restart safety', function () {
  this.timeout(120_000);

  it('survives SIGKILL: the server keeps running, and the restarted agent rebuilds its state and streams its console again', async () => {
    await requireDocker();
    await testImage();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'conductor-agent-kill-'));
    const network = `conductor-test-${RUN_ID}-restart`;
    const port = await freePort();
    const env = agentEnv(dataDir, network, port);
    const { spec } = await testServerSpec('survivor');
    let first = runAgent(env);
    try {
      await until('the agent', async () => (await api(port, 'GET', '/api/servers')).status === 200);
      expect((await api(port, 'POST', '/api/servers', spec)).status).to.equal(201);
      await api(port, 'POST', `/api/servers/${spec.id}/power`, { action: 'start' });
      await until('running', async () => (await api(port, 'GET', `/api/servers/${spec.id}`)).body.status.state === 'running');
      const containerBefore = (await docker.getContainer(`conductor-${spec.id}`).inspect()).Id;

      first.child.kill('SIGKILL');
      await first.exited;
      expect((await docker.getContainer(`conductor-${spec.id}`).inspect()).State.Running, 'the game outlives its agent').to.equal(true);

      first = runAgent(env);
      const status = await until('the agent again', async () => {
        const res = await api(port, 'GET', `/api/servers/${spec.id}`);
        return res.status === 200 ? res.body.status : undefined;
      });
      expect(status).to.deep.include({ state: 'running', containerId: containerBefore });

      const socket = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false, auth: { token: AGENT_TOKEN } });
      try {
        const live: string[] = [];
        socket.on(AGENT_SOCKET.console, (m: { lines: string[] }) => live.push(...m.lines));
        const reply = await new Promise<{ lines: string[] }>((resolve) =>
          socket.on('connect', () => socket.emit(AGENT_SOCKET.subscribe, { serverId: spec.id }, resolve)),
        );
        expect(
          reply.lines.some((l) => /Done \(/.test(l)),
          'history rebuilt from the container log',
        ).to.equal(true);
        expect(reply.lines.some((l) => l.includes('reattached'))).to.equal(true);
        expect((await api(port, 'POST', `/api/servers/${spec.id}/commands`, { command: 'say still here' })).status).to.equal(204);
        await until('the command echoed on the live console', async () => live.some((l) => l.includes('still here')));
      } finally {
        socket.close();
      }
      await api(port, 'POST', `/api/servers/${spec.id}/power`, { action: 'stop' });
      const events = (await api(port, 'GET', '/api/events?after=0')).body.events as Array<{ type: string; seq: number }>;
      expect(events.map((e) => e.type)).to.deep.equal(['server.starting', 'server.started', 'server.stopping', 'server.stopped']);
      expect(events.map((e) => e.seq)).to.deep.equal([1, 2, 3, 4]);
    } finally {
      await api(port, 'DELETE', `/api/servers/${spec.id}`).catch(() => undefined);
      await first.stop();
      await docker
        .getNetwork(network)
        .remove()
        .catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("leaves another agent's containers on a shared Docker engine alone when it starts", async () => {
    await testImage();
    const first = await startAgent();
    const { spec } = await testServerSpec('neighbour');
    try {
      expect((await first.request('POST', '/api/servers', { body: spec })).status).to.equal(201);
      await first.request('POST', `/api/servers/${spec.id}/power`, { body: { action: 'start' } });
      await until('running', async () => (await first.request('GET', `/api/servers/${spec.id}`)).body.status.state === 'running');
      const before = await docker.getContainer(`conductor-${spec.id}`).inspect();
      // A second agent (another node, or another test run) starts on the same engine.
      const second = await startAgent();
      try {
        const after = await docker.getContainer(`conductor-${spec.id}`).inspect();
        expect(after.Id).to.equal(before.Id);
        expect(after.State.Running, "the first agent's server keeps running").to.equal(true);
        expect((await second.request('GET', '/api/servers')).body.servers ?? []).to.deep.equal([]);
      } finally {
        await second.close();
        await docker
          .getNetwork(second.network)
          .remove()
          .catch(() => undefined);
      }
      expect((await first.request('GET', `/api/servers/${spec.id}`)).body.status.state).to.equal('running');
    } finally {
      await first.request('DELETE', `/api/servers/${spec.id}`).catch(() => undefined);
      await first.close();
      await docker
        .getNetwork(first.network)
        .remove()
        .catch(() => undefined);
    }
  });

  it('stops on a bad setting with one line naming the key', async () => {
    const { exited, output } = runAgent({ AGENT_TOKEN: 'short', AGENT_DATA_DIR: path.join(tmpdir(), 'never') });
    const code = await exited;
    expect(code).to.equal(1);
    expect(output().trim()).to.equal('Configuration error: AGENT_TOKEN: expected at least 32 characters, got "short"');
  });
});
