/** What a payload is built from: the event plus names a person recognises. */
export interface PayloadContext {
  deliveryId: number;
  webhookId: string;
  event: {
    id: number | null;
    type: string;
    serverId: string | null;
    nodeId: string | null;
    data: Record<string, unknown>;
    occurredAt: string;
  };
  serverName: string | null;
  nodeName: string | null;
}
