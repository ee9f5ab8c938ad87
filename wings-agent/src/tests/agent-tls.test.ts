import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { AGENT_TOKEN, docker, startAgent } from '@conductor/test';

function get(url: string, ca: Buffer, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('node agent over TLS', function () {
  this.timeout(60_000);
  it('serves its API over HTTPS with the configured certificate, and refuses a client that does not trust it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'conductor-tls-'));
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const agent = await startAgent({ config: { AGENT_TLS_CERT: cert, AGENT_TLS_KEY: key } });
    try {
      const url = `https://127.0.0.1:${agent.agent.port}`;
      const ca = readFileSync(cert);
      const ok = await get(`${url}/api/servers`, ca, AGENT_TOKEN);
      expect(ok.status).to.equal(200);
      expect(JSON.parse(ok.body)).to.deep.equal({ servers: [] });
      expect((await get(`${url}/api/servers`, ca)).status).to.equal(401);
      let refused: Error | null = null;
      try {
        await get(`${url}/healthz`, Buffer.from(''));
      } catch (err) {
        refused = err as Error;
      }
      expect(refused?.message).to.match(/self.signed|unable to verify|certificate/i);
    } finally {
      await agent.close();
      await docker
        .getNetwork(agent.network)
        .remove()
        .catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
