import { isUniqueViolation, type Executor } from '../../kernel/database.js';

/** A DNS label from a server's name: lowercase letters, digits and single dashes, at most 40 long. */
export function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 40)
    .replace(/^-+|-+$/g, '');
  return slug || 'server';
}

/**
 * The server's label under the edge base domain: the slug of its name, or, when another server
 * holds that slug (or the slug is the form of a server id, which stays an alias), the slug with
 * the end of its own id, which no other server shares.
 */
export async function edgeNameFor(id: string, name: string, executor: Executor): Promise<string> {
  const slug = slugOf(name);
  const taken = /^s[0-9a-f]{12}$/.test(slug) || (await executor('servers').where({ edge_name: slug }).whereNot({ id }).first('id'));
  return taken ? suffixed(id, name) : slug;
}

function suffixed(id: string, name: string): string {
  return `${slugOf(name)}-${id.slice(-6)}`;
}

/**
 * Writes the server's row with its edge name (`write` inserts or updates it). Another server's
 * transaction may take the same free slug at the same moment (two same-name creates); the unique
 * index then refuses the later write, which is retried with the suffixed form. The first try runs
 * in a savepoint, since PostgreSQL aborts a whole transaction on a refused statement.
 */
export async function writeWithEdgeName(
  id: string,
  name: string,
  executor: Executor,
  write: (edgeName: string, executor: Executor) => Promise<unknown>,
): Promise<void> {
  const preferred = await edgeNameFor(id, name, executor);
  try {
    await executor.transaction((savepoint) => write(preferred, savepoint));
  } catch (err) {
    if (!isUniqueViolation(err, 'servers.edge_name') || preferred === suffixed(id, name)) throw err;
    await write(suffixed(id, name), executor);
  }
}
