import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';

const SSHD = '/usr/sbin/sshd';

export interface Sshd {
  port: number;
  username: string;
  privateKey: string;
  /** The folder backups go to (an absolute path on this machine). */
  root: string;
  /** The host key's fingerprint as `ssh-keygen -lf` prints it (SHA256:…). */
  hostKeyFingerprint: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** A key-authenticated SFTP target on this sshd, in `folder` under its root (`POST /api/backups/targets`'s body). */
export function sftpTarget(sshd: Sshd, folder: string, name = 'Storage Box') {
  return {
    name,
    host: '127.0.0.1',
    port: sshd.port,
    username: sshd.username,
    path: path.join(sshd.root, folder),
    auth: 'key',
    secret: sshd.privateKey,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A real OpenSSH server on loopback (Debian's openssh-server), with its own host key, config and
 * a key-authenticated login for the current user: the SFTP target of the tests.
 */
export async function startSshd(): Promise<Sshd> {
  if (!existsSync(SSHD))
    throw new Error(`${SSHD} is missing: install it with "apt-get install -y openssh-server" (scripts/ensure-test-deps.sh does)`);
  const dir = mkdtempSync(path.join(tmpdir(), 'conductor-sshd-'));
  const root = path.join(dir, 'storage');
  mkdirSync(root);
  // sshd refuses to start without its privilege-separation folder.
  mkdirSync('/run/sshd', { recursive: true });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'host_key')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'user_key')]);
  writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(path.join(dir, 'user_key.pub')), { mode: 0o600 });
  const port = await freePort();
  const username = userInfo().username;
  writeFileSync(
    path.join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${path.join(dir, 'host_key')}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      `PermitRootLogin ${username === 'root' ? 'prohibit-password' : 'no'}`,
      'StrictModes no',
      'UsePAM no',
      'Subsystem sftp internal-sftp',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  let child: ChildProcess | null = null;
  const sshd: Sshd = {
    port,
    username,
    privateKey: readFileSync(path.join(dir, 'user_key'), 'utf8'),
    root,
    hostKeyFingerprint: execFileSync('ssh-keygen', ['-lf', path.join(dir, 'host_key.pub')], { encoding: 'utf8' }).split(' ')[1]!,
    async start() {
      child = spawn(SSHD, ['-D', '-e', '-f', path.join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const deadline = Date.now() + 10_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`sshd exited: ${stderr}`);
        const up = await new Promise<boolean>((resolve) => {
          const probe = createServer();
          probe.once('error', () => resolve(true));
          probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
        });
        if (up) return;
        if (Date.now() > deadline) throw new Error(`sshd did not listen on ${port}: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      const running = child;
      child = null;
      if (!running || running.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        running.once('exit', () => resolve());
        running.kill('SIGTERM');
      });
    },
    async close() {
      await sshd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await sshd.start();
  return sshd;
}
