import type Docker from 'dockerode';

/** Pulls an image the node does not have yet, reporting progress lines; nodes start with none. */
export async function ensureImage(docker: Docker, image: string, progress: (line: string) => void): Promise<void> {
  try {
    await docker.getImage(image).inspect();
    return;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
  progress(`[conductor] Pulling ${image}`);
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
  progress(`[conductor] Pulled ${image}`);
}
