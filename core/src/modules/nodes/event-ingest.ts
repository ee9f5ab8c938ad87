import type { Logger } from 'pino';
import type { Database, Transaction } from '../../kernel/database.js';
import type { EventInput, EventLog } from '../../kernel/events.js';
import type { AgentEvent } from '../../protocol/index.js';
import type { AgentClient } from './agent-client.js';
import type { NodeRepository } from './repository.js';

// The panel records a deletion itself (with who did it); the agent's copy would be a duplicate.
const PANEL_RECORDED = new Set(['server.deleted']);
const PAGE = 500;

export type PushOutcome = 'stored' | 'known' | 'gap';

/**
 * Copies a node's journal into the event log exactly once and in the node's order. Events come two
 * ways: pushed on the stream connection as they happen, and pulled from the journal (after a
 * reconnect, by the health job) to catch up on what the stream missed. Both write under a lock on
 * the node's row and only past the sequence stored with it, so whichever comes first stores an
 * event and the other skips it, on one panel or several.
 */
export class NodeEventIngest {
  private readonly db: Database;
  private readonly events: EventLog;
  private readonly repository: NodeRepository;
  private readonly logger: Logger;

  constructor(deps: { db: Database; events: EventLog; nodeRepository: NodeRepository; logger: Logger }) {
    this.db = deps.db;
    this.events = deps.events;
    this.repository = deps.nodeRepository;
    this.logger = deps.logger.child({ module: 'nodes' });
  }

  /**
   * A pushed event is stored only when it is the next one: after a gap (a push lost while the
   * stream was down) the caller catches up from the journal, which keeps the order.
   */
  async pushed(nodeId: string, event: AgentEvent): Promise<PushOutcome> {
    return this.db.transaction(async (trx) => {
      const stored = await this.lockedSeq(nodeId, trx);
      if (stored === null || event.seq <= stored) return 'known';
      if (event.seq !== stored + 1) return 'gap';
      await this.append(nodeId, [event], trx);
      await this.repository.setEventsSeq(nodeId, event.seq, trx);
      return 'stored';
    });
  }

  /** Reads the node's journal from the last stored sequence on, a page per transaction. */
  async catchUp(nodeId: string, client: AgentClient): Promise<void> {
    for (;;) {
      const seq = (await this.repository.get(nodeId))?.eventsSeq;
      if (seq === undefined) return;
      const { events, lastSeq } = await client.events(seq, PAGE);
      if (lastSeq !== undefined && lastSeq < seq) {
        // The node's journal started over (reinstalled or its data wiped): read it from the start.
        this.logger.warn({ nodeId, lastSeq, stored: seq }, 'node event journal started over');
        await this.db.transaction((trx) => this.repository.setEventsSeq(nodeId, 0, trx));
        continue;
      }
      if (events.length === 0) return;
      await this.db.transaction(async (trx) => {
        const stored = await this.lockedSeq(nodeId, trx);
        if (stored === null) return;
        const fresh = events.filter((e) => e.seq > stored);
        await this.append(nodeId, fresh, trx);
        if (fresh.length) await this.repository.setEventsSeq(nodeId, fresh[fresh.length - 1]!.seq, trx);
      });
      if (events.length < PAGE) return;
    }
  }

  private lockedSeq(nodeId: string, trx: Transaction): Promise<number | null> {
    return this.repository.lockedEventsSeq(nodeId, trx);
  }

  private async append(nodeId: string, events: AgentEvent[], trx: Transaction): Promise<void> {
    for (const e of events) {
      if (PANEL_RECORDED.has(e.type)) continue;
      // Typed as any event: the agent's data is another program's, checked against the loose schemas at run time.
      const input: EventInput = {
        type: e.type,
        serverId: e.serverId,
        nodeId,
        data: { ...e.data, agentSeq: e.seq },
        occurredAt: new Date(e.at),
      };
      await this.events.append(trx, input);
    }
  }
}
