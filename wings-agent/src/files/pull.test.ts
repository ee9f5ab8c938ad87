import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FilesService } from './service.js';
import { snapshot, startFilesApi, TempFilesHost, type TestApi } from './testing/temp-host.js';

describe('pull from a URL', () => {
  describe('over HTTP', () => {
    let host: TempFilesHost;
    let api: TestApi;
    let root: string;
    let allowed: http.Server;
    let forbidden: http.Server;
    let forbiddenHits = 0;
    let allowedPort = 0;
    let forbiddenPort = 0;
    const held: http.ServerResponse[] = [];
    const P = '/api/servers/srv-pull/files/pull';

    before(async () => {
      forbidden = http.createServer((_req, res) => {
        forbiddenHits += 1;
        res.end('internal data');
      });
      forbidden.listen(0, '127.0.0.1');
      await new Promise((r) => forbidden.once('listening', r));
      forbiddenPort = (forbidden.address() as AddressInfo).port;
      allowed = http.createServer((req, res) => {
        const to = (location: string) => {
          res.writeHead(302, { location });
          res.end();
        };
        if (req.url === '/plugin.jar') return res.end('plugin bytes');
        if (req.url === '/big') return res.end(Buffer.alloc(3 * 1024 * 1024));
        if (req.url === '/big-chunked') {
          res.write(Buffer.alloc(1024 * 1024));
          return res.end(Buffer.alloc(1024 * 1024));
        }
        if (req.url === '/hold') {
          held.push(res);
          return res.write('x');
        }
        if (req.url === '/to-ok') return to('/plugin.jar');
        if (req.url === '/to-loopback') return to(`http://127.0.0.1:${forbiddenPort}/`);
        if (req.url === '/to-localhost') return to(`http://localhost:${forbiddenPort}/`);
        if (req.url === '/to-ipv6-loopback') return to(`http://[::1]:${forbiddenPort}/`);
        if (req.url === '/to-compatible-loopback') return to(`http://[::127.0.0.1]:${forbiddenPort}/`);
        if (req.url === '/to-metadata') return to('http://169.254.169.254/latest/meta-data/');
        if (req.url === '/to-file') return to('file:///etc/passwd');
        if (req.url === '/loop') return to('/loop');
        res.statusCode = 404;
        res.end();
      });
      allowed.listen(0, '127.0.0.1');
      await new Promise((r) => allowed.once('listening', r));
      allowedPort = (allowed.address() as AddressInfo).port;

      host = await TempFilesHost.create();
      root = await host.addServer('srv-pull');
      api = await startFilesApi(
        new FilesService(host, {
          quotaCacheMs: 0,
          // Test-only: the one loopback server these tests pull from; every other private target stays refused.
          pull: { maxBytes: 1024 * 1024, allowTarget: (address, port) => address === '127.0.0.1' && port === allowedPort },
        }),
      );
    });
    after(async () => {
      await api.close();
      allowed.closeAllConnections();
      allowed.close();
      forbidden.close();
      await host.cleanup();
    });

    const pull = (url: string, path = 'x.jar') => api.request('POST', P, { json: { url, path } });
    const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

    it('downloads from an allowed server, following a redirect', async () => {
      const res = await pull(`http://127.0.0.1:${allowedPort}/to-ok`, 'plugin.jar');
      expect(res.status, await res.clone().text()).to.equal(201);
      expect(await readFile(join(root, 'plugin.jar'), 'utf8')).to.equal('plugin bytes');
    });

    const refused: [string, () => string, string][] = [
      ['127.0.0.1', () => `http://127.0.0.1:${forbiddenPort}/`, 'pull_target_refused'],
      ['169.254.169.254 (cloud metadata)', () => 'http://169.254.169.254/latest/meta-data/', 'pull_target_refused'],
      ['[::1]', () => `http://[::1]:${forbiddenPort}/`, 'pull_target_refused'],
      ['[::ffff:127.0.0.1]', () => `http://[::ffff:127.0.0.1]:${forbiddenPort}/`, 'pull_target_refused'],
      // Every IPv6 spelling that embeds an IPv4 address (the shared policy's table is core/test/address-policy.test.ts).
      ['[::127.0.0.1] (IPv4-compatible)', () => `http://[::127.0.0.1]:${forbiddenPort}/`, 'pull_target_refused'],
      ['[::7f00:1] (IPv4-compatible, hex)', () => `http://[::7f00:1]:${forbiddenPort}/`, 'pull_target_refused'],
      ['[::ffff:7f00:1] (IPv4-mapped, hex)', () => `http://[::ffff:7f00:1]:${forbiddenPort}/`, 'pull_target_refused'],
      ['[::ffff:0:127.0.0.1] (SIIT)', () => `http://[::ffff:0:127.0.0.1]:${forbiddenPort}/`, 'pull_target_refused'],
      ['[64:ff9b::127.0.0.1] (NAT64)', () => `http://[64:ff9b::127.0.0.1]:${forbiddenPort}/`, 'pull_target_refused'],
      ['[64:ff9b:1::7f00:1] (local-use NAT64)', () => `http://[64:ff9b:1::7f00:1]:${forbiddenPort}/`, 'pull_target_refused'],
      ['[2002:7f00:1::1] (6to4)', () => `http://[2002:7f00:1::1]:${forbiddenPort}/`, 'pull_target_refused'],
      [
        '[2001:0:4136:e378:8000:63bf:80ff:fffe] (Teredo)',
        () => `http://[2001:0:4136:e378:8000:63bf:80ff:fffe]:${forbiddenPort}/`,
        'pull_target_refused',
      ],
      ['a redirect to [::127.0.0.1]', () => `http://127.0.0.1:${allowedPort}/to-compatible-loopback`, 'pull_target_refused'],
      ['0.0.0.0', () => `http://0.0.0.0:${forbiddenPort}/`, 'pull_target_refused'],
      ['a decimal loopback (2130706433)', () => `http://2130706433:${forbiddenPort}/`, 'pull_target_refused'],
      ['a hex loopback (0x7f.1)', () => `http://0x7f.1:${forbiddenPort}/`, 'pull_target_refused'],
      ['a private network address', () => 'http://10.1.2.3/', 'pull_target_refused'],
      ['a name resolving to loopback (localhost)', () => `http://localhost:${forbiddenPort}/`, 'pull_target_refused'],
      ['a redirect to 127.0.0.1', () => `http://127.0.0.1:${allowedPort}/to-loopback`, 'pull_target_refused'],
      ['a redirect to localhost', () => `http://127.0.0.1:${allowedPort}/to-localhost`, 'pull_target_refused'],
      ['a redirect to [::1]', () => `http://127.0.0.1:${allowedPort}/to-ipv6-loopback`, 'pull_target_refused'],
      ['a redirect to the metadata service', () => `http://127.0.0.1:${allowedPort}/to-metadata`, 'pull_target_refused'],
      ['a redirect to file://', () => `http://127.0.0.1:${allowedPort}/to-file`, 'pull_target_refused'],
      ['file://', () => 'file:///etc/passwd', 'pull_target_refused'],
      ['ftp://', () => 'ftp://example.com/x', 'pull_target_refused'],
      ['a redirect loop', () => `http://127.0.0.1:${allowedPort}/loop`, 'pull_failed'],
    ];
    for (const [name, url, expected] of refused) {
      it(`refuses ${name}`, async () => {
        const before = await snapshot(host.base);
        const res = await pull(url());
        expect(await code(res)).to.equal(expected);
        expect(forbiddenHits, 'the internal server was never reached').to.equal(0);
        expect(await snapshot(host.base)).to.equal(before);
      });
    }

    for (const path of ['/big', '/big-chunked']) {
      it(`refuses a download over the size limit (${path}) and leaves nothing behind`, async () => {
        const before = await snapshot(host.base);
        const res = await pull(`http://127.0.0.1:${allowedPort}${path}`, 'big.bin');
        expect(res.status).to.equal(413);
        expect(await code(res)).to.equal('file_too_large');
        expect(await snapshot(host.base)).to.equal(before);
      });
    }

    it('connects through a name to an allowed address (the pinned lookup path)', async () => {
      const viaName = await startFilesApi(
        new FilesService(host, {
          pull: { allowTarget: (address, port) => ['127.0.0.1', '::1'].includes(address) && port === allowedPort },
        }),
      );
      try {
        const res = await viaName.request('POST', P, { json: { url: `http://localhost:${allowedPort}/plugin.jar`, path: 'by-name.jar' } });
        expect(res.status, await res.clone().text()).to.equal(201);
        expect(await readFile(join(root, 'by-name.jar'), 'utf8')).to.equal('plugin bytes');
      } finally {
        await viaName.close();
      }
    });

    it('pulls over https through a name, checking the certificate against the name', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'conductor-tls-'));
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
          '-addext',
          'subjectAltName=DNS:localhost',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      const cert = await readFile(join(dir, 'cert.pem'), 'utf8');
      const tlsServer = https.createServer({ key: await readFile(join(dir, 'key.pem')), cert }, (_req, res) => res.end('over tls'));
      tlsServer.listen(0, '127.0.0.1');
      await new Promise((r) => tlsServer.once('listening', r));
      const port = (tlsServer.address() as AddressInfo).port;
      const svc = new FilesService(host, {
        pull: { ca: cert, allowTarget: (address, p) => ['127.0.0.1', '::1'].includes(address) && p === port },
      });
      const tlsApi = await startFilesApi(svc);
      try {
        const ok = await tlsApi.request('POST', P, { json: { url: `https://localhost:${port}/x`, path: 'tls.txt' } });
        expect(ok.status, await ok.clone().text()).to.equal(201);
        expect(await readFile(join(root, 'tls.txt'), 'utf8')).to.equal('over tls');
        // The certificate names localhost, not 127.0.0.1: pinning the address does not weaken the check.
        const wrongName = await tlsApi.request('POST', P, { json: { url: `https://127.0.0.1:${port}/x`, path: 'tls2.txt' } });
        expect(await code(wrongName)).to.equal('pull_failed');
      } finally {
        await tlsApi.close();
        tlsServer.close();
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('runs at most 3 pulls at once per server', async () => {
      const running = [1, 2, 3].map((i) => pull(`http://127.0.0.1:${allowedPort}/hold`, `held-${i}.bin`));
      while (held.length < 3) await new Promise((r) => setTimeout(r, 10));
      const fourth = await pull(`http://127.0.0.1:${allowedPort}/plugin.jar`, 'fourth.jar');
      expect(fourth.status).to.equal(429);
      expect(await code(fourth)).to.equal('too_many_pulls');
      for (const res of held.splice(0)) res.end();
      expect((await Promise.all(running)).map((r) => r.status)).to.deep.equal([201, 201, 201]);
      expect((await pull(`http://127.0.0.1:${allowedPort}/plugin.jar`, 'fifth.jar')).status).to.equal(201);
      expect((await readdir(root)).filter((n) => n.startsWith('held-'))).to.have.length(3);
    });
  });
});
