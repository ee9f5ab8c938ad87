/**
 * What the scaling plugin needs of a cloud: a provider-neutral view, so the scaler's decisions
 * never depend on one vendor's shapes. Hetzner Cloud is the one implementation today.
 */
export interface CloudServerType {
  name: string;
  cores: number;
  memoryMb: number;
  diskGb: number;
  /** What a month of one server of this type costs, in integer cents, per location where it is sold. */
  monthlyCents: Record<string, number>;
}

export interface CloudServer {
  id: string;
  name: string;
  /** The provider's own status word (Hetzner: initializing, starting, running, stopping, off, deleting). */
  status: string;
  ipv4: string | null;
  serverType: string;
  location: string;
  labels: Record<string, string>;
  createdAt: string;
}

export interface CloudSnapshot {
  id: string;
  description: string;
  labels: Record<string, string>;
  createdAt: string;
}

export interface CreateCloudServer {
  name: string;
  /** Tried in order (each in every location) until the cloud has one free. */
  serverTypes: string[];
  locations: string[];
  /** An image name or a snapshot id. */
  image: string;
  userData: string;
  labels: Record<string, string>;
}

/** One attempt the cloud refused for lack of capacity, before the one that succeeded. */
export interface RefusedPlacement {
  serverType: string;
  location: string;
  code: string;
}

export interface CloudProvider {
  serverTypes(): Promise<CloudServerType[]>;
  /**
   * Orders a machine and waits until it is created; `onOrdered` runs as soon as the cloud accepted
   * the order and named the machine's address, before it boots.
   */
  createServer(
    request: CreateCloudServer,
    onOrdered?: (server: CloudServer) => Promise<void>,
  ): Promise<{ server: CloudServer; refused: RefusedPlacement[] }>;
  /** Servers matching a label selector (`key=value,other`), all pages. */
  listServers(labelSelector: string): Promise<CloudServer[]>;
  getServer(id: string): Promise<CloudServer | null>;
  /** Deletes and waits until the cloud says it is gone; a server already gone is not an error. */
  deleteServer(id: string): Promise<void>;
  /** A hard reset (power cycle) of a machine that hangs; returns once the cloud accepted it. */
  resetServer(id: string): Promise<void>;
  createSnapshot(serverId: string, description: string, labels: Record<string, string>): Promise<CloudSnapshot>;
  listSnapshots(labelSelector: string): Promise<CloudSnapshot[]>;
  /** A snapshot already gone is not an error. */
  deleteSnapshot(id: string): Promise<void>;
}

/**
 * Every failure of a provider, with the provider's stable code (Hetzner's `error.code`, or
 * `unreachable` when it did not answer). `capacity` marks refusals another type or location may not
 * share (Hetzner: resource_unavailable, placement_error).
 */
export class CloudError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly capacity = false,
  ) {
    super(message);
    this.name = 'CloudError';
  }
}
