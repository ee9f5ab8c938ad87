import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { docker } from './docker.js';

/**
 * What the fresh Debian 12 holds besides debootstrap's minbase: systemd, only so that
 * `systemd-analyze verify` can check units against the files they name (a Debian server has it).
 */
const EXTRA_PACKAGES = ['systemd'];

/** Where built root filesystems are kept between runs: once per machine, not per checkout. */
export const TEST_CACHE_DIR = process.env.CONDUCTOR_TEST_CACHE ?? path.join(homedir(), '.cache', 'conductor-test');

/** The Debian mirror this machine's apt uses (reachable here), else Debian's own. */
function debianMirror(): string {
  for (const file of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) {
    if (!existsSync(file)) continue;
    const match = /^(?:URIs:\s*|deb\s+(?:\[[^\]]*\]\s+)?)(\S*\/debian)\/?\s/m.exec(readFileSync(file, 'utf8'));
    if (match) return match[1]!;
  }
  return 'http://deb.debian.org/debian';
}

/** Why the Debian image cannot be built here, or null when it can (root and debootstrap). */
export function debianImageUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'building a Debian root filesystem with debootstrap needs root';
  if (spawnSync('debootstrap', ['--version']).error)
    return 'debootstrap is missing (apt-get install -y debootstrap, or run scripts/ensure-test-deps.sh as root)';
  return null;
}

/**
 * A fresh Debian 12 image (`conductor-test-debian12:<key>`) made with debootstrap from Debian's
 * packages and `docker import`ed. The key covers suite, variant, packages and mirror; its tarball
 * is cached in TEST_CACHE_DIR, so a machine runs debootstrap (about a minute) once per key.
 */
export function debianImage(): Promise<string> {
  return rootfsImage('debian12', { suite: 'bookworm', variant: 'minbase', include: EXTRA_PACKAGES, mirror: debianMirror() });
}

/** Ubuntu's archive signing key (2018), which signs noble's Release, by the fingerprint Ubuntu publishes. */
const UBUNTU_ARCHIVE_KEY = 'F6ECB3762474EDA9D21B7022871920D1991BC93C';
const UBUNTU_MIRROR = process.env.CONDUCTOR_UBUNTU_MIRROR ?? 'http://archive.ubuntu.com/ubuntu';
/** Noble's keyring package; pinned, since the keyring is what would vouch for it. */
const UBUNTU_KEYRING_DEB = {
  path: 'pool/main/u/ubuntu-keyring/ubuntu-keyring_2023.11.28.1_all.deb',
  sha256: '36de43b15853ccae0028e9a767613770c704833f82586f28eb262f0311adb8a8',
};

/** Why the Ubuntu 24.04 image cannot be built here, or null when it can (Debian's needs, and Ubuntu's archive answering). */
export function ubuntuImageUnavailable(): string | null {
  const debian = debianImageUnavailable();
  if (debian) return debian;
  const probe = spawnSync('curl', ['-fsI', '--max-time', '15', `${UBUNTU_MIRROR}/dists/noble/InRelease`]);
  if (probe.status !== 0) return `Ubuntu's archive (${UBUNTU_MIRROR}) does not answer here; CONDUCTOR_UBUNTU_MIRROR names another`;
  return null;
}

/**
 * Debian 12 has no Ubuntu keyring package, so the key debootstrap checks noble against comes from
 * Ubuntu's own keyring package, taken only when the package has the pinned hash and then only
 * the pinned key out of it.
 */
function ubuntuKeyring(): string {
  const keyring = path.join(TEST_CACHE_DIR, `ubuntu-archive-${UBUNTU_ARCHIVE_KEY.slice(-8)}.gpg`);
  if (existsSync(keyring)) return keyring;
  const work = mkdtempSync(path.join(tmpdir(), 'conductor-ubuntu-keyring-'));
  try {
    const deb = path.join(work, 'keyring.deb');
    execFileSync('curl', ['-fsSL', '--max-time', '120', '-o', deb, `${UBUNTU_MIRROR}/${UBUNTU_KEYRING_DEB.path}`]);
    const sha256 = createHash('sha256').update(readFileSync(deb)).digest('hex');
    if (sha256 !== UBUNTU_KEYRING_DEB.sha256) throw new Error(`${UBUNTU_KEYRING_DEB.path} has sha256 ${sha256}, not the pinned one`);
    execFileSync('dpkg-deb', ['-x', deb, path.join(work, 'root')]);
    const gpg = [
      '--homedir',
      work,
      '--no-default-keyring',
      '--keyring',
      path.join(work, 'root/usr/share/keyrings/ubuntu-archive-keyring.gpg'),
    ];
    const key = execFileSync('gpg', [...gpg, '--export', UBUNTU_ARCHIVE_KEY], { stdio: ['ignore', 'pipe', 'ignore'] });
    const shown = execFileSync('gpg', ['--homedir', work, '--show-keys', '--with-colons'], {
      input: key,
      stdio: ['pipe', 'pipe', 'ignore'],
    }).toString();
    if (!shown.split('\n').some((l) => l === `fpr:::::::::${UBUNTU_ARCHIVE_KEY}:`))
      throw new Error('the Ubuntu archive key is not in its keyring package');
    writeFileSync(keyring, key);
    return keyring;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * A fresh Ubuntu 24.04 image (`conductor-test-ubuntu2404:<key>`) made like the Debian one, from
 * Ubuntu's archive (main) and checked against Ubuntu's archive key. Debian 12's debootstrap has no
 * script named noble; newer ones make it gutsy's, which is used here.
 */
export function ubuntuImage(): Promise<string> {
  const named = '/usr/share/debootstrap/scripts/noble';
  return rootfsImage(
    'ubuntu2404',
    { suite: 'noble', variant: 'minbase', include: EXTRA_PACKAGES, mirror: UBUNTU_MIRROR },
    { keyring: ubuntuKeyring(), script: existsSync(named) ? named : '/usr/share/debootstrap/scripts/gutsy' },
  );
}

interface Recipe {
  suite: string;
  variant: string;
  include: string[];
  mirror: string;
}

/**
 * A root filesystem made by debootstrap, as image `conductor-test-<name>:<key>`; the key covers
 * the recipe; the tarball is cached in TEST_CACHE_DIR, so a machine runs debootstrap once per key.
 */
async function rootfsImage(name: string, recipe: Recipe, extra: { keyring?: string; script?: string } = {}): Promise<string> {
  const key = createHash('sha256').update(JSON.stringify(recipe)).digest('hex').slice(0, 12);
  const tag = `conductor-test-${name}:${key}`;
  if (
    await docker
      .getImage(tag)
      .inspect()
      .then(
        () => true,
        () => false,
      )
  )
    return tag;
  mkdirSync(TEST_CACHE_DIR, { recursive: true });
  const tarball = path.join(TEST_CACHE_DIR, `${name}-${key}.tar`);
  if (!existsSync(tarball)) {
    const root = path.join(TEST_CACHE_DIR, `${name}-${key}.root`);
    rmSync(root, { recursive: true, force: true });
    const debs = path.join(TEST_CACHE_DIR, `debootstrap-debs${name === 'debian12' ? '' : `-${name}`}`);
    mkdirSync(debs, { recursive: true });
    execFileSync(
      'debootstrap',
      [
        `--variant=${recipe.variant}`,
        `--include=${recipe.include.join(',')}`,
        `--cache-dir=${debs}`,
        ...(extra.keyring ? [`--keyring=${extra.keyring}`] : []),
        recipe.suite,
        root,
        recipe.mirror,
        ...(extra.script ? [extra.script] : []),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    execFileSync('tar', ['-C', root, '-cf', `${tarball}.tmp`, '.']);
    renameSync(`${tarball}.tmp`, tarball);
    rmSync(root, { recursive: true, force: true });
  }
  execFileSync('docker', ['import', tarball, tag], { stdio: ['ignore', 'ignore', 'pipe'] });
  return tag;
}
