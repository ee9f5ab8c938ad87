/**
 * The greetings table, the only place that touches it.
 * @typedef {{ id: number; serverId: string | null; authorId: string; message: string; createdAt: string; counted: boolean }} Greeting
 */

/** @param {any} row @returns {Greeting} */
function fromRow(row) {
  return {
    id: Number(row.id),
    serverId: row.server_id,
    authorId: row.author_id,
    message: row.message,
    createdAt: new Date(row.created_at).toISOString(),
    counted: row.counted_at !== null,
  };
}

/**
 * The latest greetings on a server's wall, or on the panel-wide wall when serverId is null.
 * @param {import('knex').Knex} db @param {string | null} serverId
 */
export async function latestGreetings(db, serverId) {
  const query = db('hello_greetings').orderBy('id', 'desc').limit(50);
  const rows = await (serverId === null ? query.whereNull('server_id') : query.where({ server_id: serverId }));
  return rows.map(fromRow);
}

/**
 * Stores a greeting and appends the hello.greeted event in the same transaction, so the event
 * exists exactly when the greeting does.
 * @param {import('knex').Knex} db @param {import('@conductor/plugin-sdk').EventLog} events
 * @param {{ serverId: string | null; authorId: string; message: string }} greeting
 */
export function addGreeting(db, events, greeting) {
  return db.transaction(async (trx) => {
    const [inserted] = await trx('hello_greetings')
      .insert({ server_id: greeting.serverId, author_id: greeting.authorId, message: greeting.message, created_at: new Date() })
      .returning('id');
    const id = Number(typeof inserted === 'object' ? inserted.id : inserted);
    await events.append(trx, { type: 'hello.greeted', serverId: greeting.serverId, actorId: greeting.authorId, data: { greetingId: id } });
    return fromRow(await trx('hello_greetings').where({ id }).first());
  });
}

/** @param {import('knex').Knex.Transaction} trx @param {number} id */
export async function markCounted(trx, id) {
  await trx('hello_greetings').where({ id }).update({ counted_at: new Date() });
}

/** @param {import('knex').Knex} db @param {Date} before @returns {Promise<number>} */
export function deleteOlderThan(db, before) {
  return db('hello_greetings').where('created_at', '<', before).delete();
}
