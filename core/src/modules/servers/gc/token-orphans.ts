import type { ExpiredTokens, ExpiredTokenSource } from '../../accounts/expired-tokens.js';
import type { NodeJoins } from '../../nodes/node-joins.js';
import type { GcItem } from './gc-schema.js';

export const TOKEN_KIND = 'expired_token';
/** Where the report says these are: in the panel's database, not on a node. */
const WHERE = 'panel';
const OWN_SOURCES = new Set<string>(['auth_token', 'subuser_invite'] satisfies ExpiredTokenSource[]);

/**
 * Expired tokens nobody can use any more, as `gc.orphans`/`gc.reap` taps: node join tokens that
 * expired unused (a used one is its node's record), and the accounts module's mailed tokens and
 * unanswered subuser invites. The item's id is `<source>:<id>`; reaping removes the token only if
 * it is expired and unused still.
 */
export class TokenOrphans {
  constructor(private readonly deps: { nodeJoins: NodeJoins; expiredTokens: ExpiredTokens }) {}

  async find(items: GcItem[]): Promise<GcItem[]> {
    const joins = (await this.deps.nodeJoins.expired()).map((t) => ({
      source: 'join_token',
      id: t.id,
      detail: `node join token, expired ${t.expiresAt} unused`,
    }));
    return [
      ...items,
      ...[...joins, ...(await this.deps.expiredTokens.list())].map((t) => ({
        kind: TOKEN_KIND,
        nodeId: WHERE,
        id: `${t.source}:${t.id}`,
        detail: t.detail,
        reaped: false,
      })),
    ];
  }

  async reap(item: GcItem): Promise<{ reaped: true } | undefined> {
    if (item.kind !== TOKEN_KIND) return undefined;
    const [source = '', ...rest] = item.id.split(':');
    const id = rest.join(':');
    if (source === 'join_token') await this.deps.nodeJoins.revoke(id);
    // Plugins add expired tokens of their own under this kind (teams: team_invite); theirs to reap.
    else if (!OWN_SOURCES.has(source)) return undefined;
    else if (!(await this.deps.expiredTokens.remove(source as ExpiredTokenSource, id)))
      throw new Error(`${item.id} is no longer an expired token`);
    return { reaped: true };
  }
}
