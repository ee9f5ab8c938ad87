import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
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
export async function debianImage(): Promise<string> {
  const mirror = debianMirror();
  const recipe = { suite: 'bookworm', variant: 'minbase', include: EXTRA_PACKAGES, mirror };
  const key = createHash('sha256').update(JSON.stringify(recipe)).digest('hex').slice(0, 12);
  const tag = `conductor-test-debian12:${key}`;
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
  const tarball = path.join(TEST_CACHE_DIR, `debian12-${key}.tar`);
  if (!existsSync(tarball)) {
    const root = path.join(TEST_CACHE_DIR, `debian12-${key}.root`);
    rmSync(root, { recursive: true, force: true });
    const debs = path.join(TEST_CACHE_DIR, 'debootstrap-debs');
    mkdirSync(debs, { recursive: true });
    execFileSync(
      'debootstrap',
      [`--variant=${recipe.variant}`, `--include=${recipe.include.join(',')}`, `--cache-dir=${debs}`, recipe.suite, root, mirror],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    execFileSync('tar', ['-C', root, '-cf', `${tarball}.tmp`, '.']);
    renameSync(`${tarball}.tmp`, tarball);
    rmSync(root, { recursive: true, force: true });
  }
  execFileSync('docker', ['import', tarball, tag], { stdio: ['ignore', 'ignore', 'pipe'] });
  return tag;
}
