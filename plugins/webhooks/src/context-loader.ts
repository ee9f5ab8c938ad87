import type { Cradle, StoredEvent } from '@conductor/core';
import type { PayloadContext } from './payload-context.js';

type Deps = Pick<Cradle, 'events' | 'serverDirectory' | 'nodeService'>;

/** Builds a payload's context at send time: names are the current ones, the event is the logged one. */
export class PayloadContextLoader {
  constructor(private readonly deps: Deps) {}

  async forEvent(deliveryId: number, webhookId: string, eventId: number): Promise<PayloadContext | null> {
    const [event] = await this.deps.events.query({ afterId: eventId - 1, upToId: eventId, limit: 1 });
    if (!event) return null;
    return this.forStoredEvent(deliveryId, webhookId, event);
  }

  async forStoredEvent(
    deliveryId: number,
    webhookId: string,
    event: Pick<StoredEvent, 'type' | 'serverId' | 'nodeId' | 'data' | 'occurredAt'> & { id: number | null },
  ): Promise<PayloadContext> {
    const server = event.serverId ? await this.deps.serverDirectory.find(event.serverId) : null;
    const nodeId = event.nodeId ?? server?.nodeId ?? null;
    const node = nodeId ? await this.deps.nodeService.find(nodeId) : null;
    return {
      deliveryId,
      webhookId,
      event: { id: event.id, type: event.type, serverId: event.serverId, nodeId, data: event.data, occurredAt: event.occurredAt },
      serverName: server?.name ?? null,
      nodeName: node?.name ?? null,
    };
  }
}
