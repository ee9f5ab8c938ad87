import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

/** Bytes used under a folder, counting files once and never following symlinks. */
export async function diskUsage(root: string): Promise<number> {
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.isFile()) {
        try {
          total += (await lstat(full)).size;
        } catch {
          /* removed while we walked */
        }
      }
    }
  }
  return total;
}
