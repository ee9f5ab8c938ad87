import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Database, Executor } from '../../kernel/database.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { joinSpec, type JoinSpecInput } from './join-schema.js';
import type { JoinTokenRepository } from './join-token-repo.js';
import type { NodeService } from './service.js';

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * One-time join tokens: the panel issues one for a machine it provisions (the scaling plugin),
 * the machine's agent trades it for a node of its own (POST /api/nodes/join). A token works once
 * and until it expires; the node's own token is made at the join and never travels in user data.
 */
export class NodeJoins {
  private readonly db: Database;
  private readonly repository: JoinTokenRepository;
  private readonly nodes: NodeService;

  constructor(deps: { db: Database; joinTokenRepository: JoinTokenRepository; nodeService: NodeService }) {
    this.db = deps.db;
    this.repository = deps.joinTokenRepository;
    this.nodes = deps.nodeService;
  }

  /** A token for a node to be; `ttlSeconds` bounds how long the machine may take to boot and join. */
  async issue(spec: JoinSpecInput, ttlSeconds: number, executor: Executor = this.db): Promise<{ id: string; token: string }> {
    const id = randomUUID();
    const token = `cdj_${randomBytes(32).toString('base64url')}`;
    const parsed = joinSpec.parse(spec);
    await this.repository.insert(
      { id, sha256: sha256(token), spec: rawSpec(parsed), expiresAt: new Date(Date.now() + ttlSeconds * 1000) },
      executor,
    );
    return { id, token };
  }

  /** Changes the node a token becomes (its address once the cloud has given the machine one); refused once used. */
  async respecify(id: string, spec: JoinSpecInput): Promise<void> {
    if (!(await this.repository.setSpec(id, rawSpec(joinSpec.parse(spec)))))
      throw new AppError(409, 'join_token_used', 'This join token was used already');
  }

  /** The node a token became, or null while it is unused. */
  async nodeOf(id: string): Promise<string | null> {
    const found = await this.repository.get(id);
    if (!found) throw notFound(`No join token ${id}`, 'join_token_not_found');
    return found.nodeId;
  }

  /** Forgets an unused token (its machine was deleted); a used one stays as the node's record. */
  async revoke(id: string): Promise<void> {
    const found = await this.repository.get(id);
    if (found && !found.usedAt) await this.repository.remove(id);
  }

  /** Tokens that expired unused (garbage collection lists them; `revoke` removes one). */
  expired(now = new Date()): Promise<Array<{ id: string; expiresAt: string }>> {
    return this.repository.expiredUnused(now);
  }

  /** Trades a join token for a new node and its own token, once. */
  async join(token: string): Promise<{ nodeId: string; token: string }> {
    return this.db.transaction(async (trx) => {
      const found = await this.repository.byDigest(sha256(token), trx);
      if (!found) throw new AppError(401, 'join_token_invalid', 'This join token is not one this panel issued');
      if (found.usedAt) throw new AppError(409, 'join_token_used', 'This join token was used already; a node joins once');
      if (Date.parse(found.expiresAt) <= Date.now()) throw new AppError(410, 'join_token_expired', 'This join token has expired');
      const spec = joinSpec.parse(found.spec);
      const address = spec.node.address;
      if (!address) throw new AppError(409, 'join_token_pending', "The panel does not know this machine's address yet; try again shortly");
      const created = await this.nodes.create({ ...spec.node, address }, null, { executor: trx });
      if (!(await this.repository.spend(found.id, created.node.id, trx)))
        throw new AppError(409, 'join_token_used', 'This join token was used already; a node joins once');
      if (spec.ports?.length) await this.nodes.addAllocations(created.node.id, created.node.publicAddress, spec.ports, trx);
      return { nodeId: created.node.id, token: created.token };
    });
  }
}

/** The spec as stored: the port list kept as text, so it parses again the same way. */
function rawSpec(spec: ReturnType<typeof joinSpec.parse>): unknown {
  return { node: spec.node, ...(spec.ports?.length ? { ports: spec.ports.join(',') } : {}) };
}
