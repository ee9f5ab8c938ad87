/**
 * The notes table, and the only code that touches it.
 * @typedef {{ id: number; serverId: string | null; authorId: string; text: string; createdAt: string; seen: boolean }} Note
 */

const TABLE = '__table___notes';

/** @param {any} row @returns {Note} */
function fromRow(row) {
  return {
    id: Number(row.id),
    serverId: row.server_id,
    authorId: row.author_id,
    text: row.text,
    createdAt: new Date(row.created_at).toISOString(),
    seen: row.seen_at !== null,
  };
}

/**
 * A server's notes, or the panel-wide ones when serverId is null; newest first.
 * @param {import('@conductor/plugin-sdk').Database} db @param {string | null} serverId
 */
export async function notesOf(db, serverId) {
  const query = db(TABLE).orderBy('id', 'desc').limit(100);
  return (await (serverId === null ? query.whereNull('server_id') : query.where({ server_id: serverId }))).map(fromRow);
}

/**
 * Stores a note and appends the __name__.noted event in the same transaction: the event exists
 * exactly when the note does.
 * @param {import('@conductor/plugin-sdk').Database} db @param {import('@conductor/plugin-sdk').EventLog} events
 * @param {{ serverId: string | null; authorId: string; text: string }} note
 */
export function addNote(db, events, note) {
  return db.transaction(async (trx) => {
    const [inserted] = await trx(TABLE)
      .insert({ server_id: note.serverId, author_id: note.authorId, text: note.text, created_at: new Date() })
      .returning('id');
    const id = Number(typeof inserted === 'object' ? inserted.id : inserted);
    await events.append(trx, { type: '__name__.noted', serverId: note.serverId, actorId: note.authorId, data: { noteId: id } });
    return fromRow(await trx(TABLE).where({ id }).first());
  });
}

/** @param {import('@conductor/plugin-sdk').Transaction} trx @param {number} id */
export async function markSeen(trx, id) {
  await trx(TABLE).where({ id }).update({ seen_at: new Date() });
}

/** @param {import('@conductor/plugin-sdk').Executor} db @param {string} serverId */
export function deleteNotesOf(db, serverId) {
  return db(TABLE).where({ server_id: serverId }).delete();
}

/** @param {import('@conductor/plugin-sdk').Database} db @param {Date} before @returns {Promise<number>} */
export function deleteOlderThan(db, before) {
  return db(TABLE).where('created_at', '<', before).delete();
}
