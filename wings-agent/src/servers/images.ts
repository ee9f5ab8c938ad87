import type Docker from 'dockerode';
import { AppError } from '@conductor/core/shared';

/** The registry an image reference names: its first part when that is a host (has a dot or a port, or is localhost), else Docker Hub. */
export function registryOf(image: string): string {
  const slash = image.indexOf('/');
  const first = slash === -1 ? '' : image.slice(0, slash);
  return first && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}

// Docker's words for why a pull failed, in words an operator can act on.
const REASONS: Array<[RegExp, string]> = [
  [/connection refused/i, 'the registry refused the connection (nothing answers at that address)'],
  [
    /no such host|server misbehaving|Temporary failure in name resolution/i,
    "the registry's name does not resolve (no DNS, or no network access)",
  ],
  [/network is unreachable|no route to host/i, 'this machine has no route to the registry (no network access)'],
  [/i\/o timeout|timeout|deadline exceeded/i, 'the registry did not answer in time (no network access?)'],
  [/unauthorized|authentication required|denied|forbidden/i, 'the registry refused access (the image is private, or does not exist there)'],
  [/manifest unknown|not found|does not exist/i, 'the registry has no such image or tag'],
  [/certificate|x509|tls/i, "the registry's TLS certificate was not accepted"],
];

/** A failed pull as an error that says what happened, from where, and why, with Docker's own words kept in the details. */
export function pullError(image: string, err: unknown): AppError {
  const raw = (err as Error)?.message ?? String(err);
  const registry = registryOf(image);
  const reason = REASONS.find(([pattern]) => pattern.test(raw))?.[1] ?? `Docker said: ${raw.split('\n')[0]!.slice(0, 300)}`;
  return new AppError(502, 'image_pull_failed', `The image ${image} could not be pulled from the registry ${registry}: ${reason}.`, {
    image,
    registry,
    docker: raw.slice(0, 2000),
  });
}

/** Pulls an image the node does not have yet, reporting progress lines; nodes start with none. */
export async function ensureImage(docker: Docker, image: string, progress: (line: string) => void): Promise<void> {
  try {
    await docker.getImage(image).inspect();
    return;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
  progress(`[conductor] Pulling ${image} from ${registryOf(image)}`);
  try {
    const stream = (await docker.pull(image)) as NodeJS.ReadableStream;
    let last = '';
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (err: Error | null) => (err ? reject(err) : resolve()),
        (event: { status?: string; progress?: string; id?: string }) => {
          const line = `[conductor] ${event.id ? `${event.id}: ` : ''}${event.status ?? ''}`;
          // Docker repeats "Downloading" for every chunk; one line per change is enough.
          if (event.status && line !== last && !event.progress) progress(line);
          last = line;
        },
      );
    });
  } catch (err) {
    throw pullError(image, err);
  }
  progress(`[conductor] Pulled ${image}`);
}
