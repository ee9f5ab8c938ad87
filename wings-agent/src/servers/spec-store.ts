import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { serverSpec, type ServerSpec } from '@conductor/core/protocol';

/** Server specs on disk, one JSON file each, so the agent knows its servers after a restart. */
export class SpecStore {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'servers');
    mkdirSync(this.dir, { recursive: true });
  }

  all(): ServerSpec[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => serverSpec.parse(JSON.parse(readFileSync(path.join(this.dir, f), 'utf8'))));
  }

  save(spec: ServerSpec): void {
    const file = path.join(this.dir, `${spec.id}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(spec, null, 2));
    renameSync(`${file}.tmp`, file);
  }

  remove(id: string): void {
    rmSync(path.join(this.dir, `${id}.json`), { force: true });
  }
}
