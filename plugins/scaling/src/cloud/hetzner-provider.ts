import { HetznerClient, type HetznerAction, type HetznerClientOptions } from './hetzner-client.js';
import {
  CloudError,
  type CloudProvider,
  type CloudServer,
  type CloudServerType,
  type CloudSnapshot,
  type CreateCloudServer,
  type RefusedPlacement,
} from './provider.js';

/** The parts of Hetzner's shapes we read (docs.hetzner.cloud: servers, server_types, images). */
interface HetznerServer {
  id: number;
  name: string;
  status: string;
  created: string;
  labels: Record<string, string>;
  public_net: { ipv4: { ip: string } | null };
  server_type: { name: string };
  datacenter: { location: { name: string } };
}
interface HetznerServerType {
  name: string;
  cores: number;
  memory: number;
  disk: number;
  deprecated?: boolean | null;
  prices: Array<{ location: string; price_monthly: { net: string; gross: string } }>;
}
interface HetznerImage {
  id: number;
  description: string;
  labels: Record<string, string>;
  created: string;
}

/** "4.5100000000" euros as integer cents, without floating point on the way. */
export function euroStringToCents(value: string): number {
  const [whole = '0', fraction = ''] = value.trim().split('.');
  const digits = (fraction + '000').slice(0, 3);
  const tenthsOfCents = Number(whole) * 1000 + Number(digits);
  return Math.round(tenthsOfCents / 10);
}

const toServer = (s: HetznerServer): CloudServer => ({
  id: String(s.id),
  name: s.name,
  status: s.status,
  ipv4: s.public_net.ipv4?.ip ?? null,
  serverType: s.server_type.name,
  location: s.datacenter.location.name,
  labels: s.labels,
  createdAt: s.created,
});

const toSnapshot = (i: HetznerImage): CloudSnapshot => ({
  id: String(i.id),
  description: i.description,
  labels: i.labels,
  createdAt: i.created,
});

export class HetznerProvider implements CloudProvider {
  readonly client: HetznerClient;

  constructor(options: HetznerClientOptions) {
    this.client = new HetznerClient(options);
  }

  async serverTypes(): Promise<CloudServerType[]> {
    const types = await this.client.all<HetznerServerType>('/server_types', 'server_types');
    return types
      .filter((t) => !t.deprecated)
      .map((t) => ({
        name: t.name,
        cores: t.cores,
        memoryMb: Math.round(t.memory * 1024),
        diskGb: t.disk,
        // Gross: what the hoster's invoice says (VAT included), so budgets match the bill.
        monthlyCents: Object.fromEntries(t.prices.map((p) => [p.location, euroStringToCents(p.price_monthly.gross)])),
      }));
  }

  /**
   * Tries each server type in each location until one is created; a capacity refusal
   * (resource_unavailable, placement_error) moves on, any other error ends the attempt.
   */
  async createServer(
    request: CreateCloudServer,
    onOrdered?: (server: CloudServer) => Promise<void>,
  ): Promise<{ server: CloudServer; refused: RefusedPlacement[] }> {
    const refused: RefusedPlacement[] = [];
    for (const serverType of request.serverTypes) {
      for (const location of request.locations) {
        try {
          const created = await this.client.request<{ server: HetznerServer; action: HetznerAction; next_actions: HetznerAction[] }>(
            'POST',
            '/servers',
            {
              body: {
                name: request.name,
                server_type: serverType,
                location,
                image: request.image,
                user_data: request.userData,
                labels: request.labels,
                start_after_create: true,
              },
            },
          );
          await onOrdered?.(toServer(created.server));
          await this.client.waitForAction(created.action);
          const server = (await this.getServer(String(created.server.id))) ?? toServer(created.server);
          return { server, refused };
        } catch (err) {
          if (err instanceof CloudError && err.capacity) {
            refused.push({ serverType, location, code: err.code });
            continue;
          }
          throw err;
        }
      }
    }
    throw new CloudError(
      'no_cloud_capacity',
      `Hetzner Cloud has none of ${request.serverTypes.join(', ')} free in ${request.locations.join(', ')}`,
      503,
      true,
    );
  }

  async listServers(labelSelector: string): Promise<CloudServer[]> {
    return (await this.client.all<HetznerServer>('/servers', 'servers', { label_selector: labelSelector })).map(toServer);
  }

  async getServer(id: string): Promise<CloudServer | null> {
    try {
      return toServer((await this.client.request<{ server: HetznerServer }>('GET', `/servers/${id}`)).server);
    } catch (err) {
      if (err instanceof CloudError && err.code === 'not_found') return null;
      throw err;
    }
  }

  async deleteServer(id: string): Promise<void> {
    try {
      const { action } = await this.client.request<{ action: HetznerAction }>('DELETE', `/servers/${id}`);
      await this.client.waitForAction(action);
    } catch (err) {
      if (err instanceof CloudError && err.code === 'not_found') return;
      throw err;
    }
  }

  /** `reset`, not `reboot`: an ACPI reboot asks the hung system itself, which may not listen. */
  async resetServer(id: string): Promise<void> {
    await this.client.request('POST', `/servers/${id}/actions/reset`);
  }

  async createSnapshot(serverId: string, description: string, labels: Record<string, string>): Promise<CloudSnapshot> {
    const { image, action } = await this.client.request<{ image: HetznerImage; action: HetznerAction }>(
      'POST',
      `/servers/${serverId}/actions/create_image`,
      { body: { type: 'snapshot', description, labels } },
    );
    await this.client.waitForAction(action);
    return toSnapshot(image);
  }

  async listSnapshots(labelSelector: string): Promise<CloudSnapshot[]> {
    return (await this.client.all<HetznerImage>('/images', 'images', { type: 'snapshot', label_selector: labelSelector })).map(toSnapshot);
  }

  async deleteSnapshot(id: string): Promise<void> {
    try {
      await this.client.request('DELETE', `/images/${id}`);
    } catch (err) {
      if (err instanceof CloudError && err.code === 'not_found') return;
      throw err;
    }
  }
}
