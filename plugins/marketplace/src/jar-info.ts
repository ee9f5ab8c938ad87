import type yauzl from 'yauzl';

/**
 * The name a loader will print for a jar: `name:` of plugin.yml / paper-plugin.yml / bungee.yml,
 * or the id of fabric.mod.json / quilt.mod.json. Null when the jar names none (or is not a zip).
 */
export async function loadedName(jar: Buffer): Promise<string | null> {
  // yauzl loads with the first jar, not with the panel.
  const { default: yauzlLib } = await import('yauzl');
  const wanted = new Set(['plugin.yml', 'paper-plugin.yml', 'bungee.yml', 'fabric.mod.json', 'quilt.mod.json']);
  const texts = await new Promise<Map<string, string>>((resolve) => {
    const found = new Map<string, string>();
    yauzlLib.fromBuffer(jar, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return resolve(found);
      zip.on('error', () => resolve(found));
      zip.on('end', () => resolve(found));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!wanted.has(entry.fileName) || entry.uncompressedSize > 1_000_000) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return zip.readEntry();
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', () => zip.readEntry());
          stream.on('end', () => {
            found.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
  for (const yml of ['paper-plugin.yml', 'plugin.yml', 'bungee.yml']) {
    const m = texts.get(yml)?.match(/^name:\s*['"]?([^'"\r\n]+?)['"]?\s*$/m);
    if (m) return m[1]!;
  }
  for (const json of ['fabric.mod.json', 'quilt.mod.json']) {
    try {
      const parsed = JSON.parse(texts.get(json) ?? '') as { id?: string; quilt_loader?: { id?: string } };
      const id = parsed.id ?? parsed.quilt_loader?.id;
      if (id) return id;
    } catch {
      // not there, or not JSON
    }
  }
  return null;
}
