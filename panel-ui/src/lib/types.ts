/** Shapes the panel's API answers with (see /api/openapi.json). */
export type ServerState = 'installing' | 'offline' | 'starting' | 'running' | 'stopping';
/** active; sleep (stopped while empty, woken by a join through the edge proxy); archived. */
export type ServerPhase = 'active' | 'sleep' | 'archived';

/** When a server sleeps (GET/PUT /api/servers/:id/sleep-policy). */
export interface SleepPolicy {
  enabled: boolean;
  emptyMinutes: number;
  minOnlineMinutes: number;
  wakeOnPing: boolean;
  sleepingLine: string;
  /** Days asleep before it is archived to remote storage; null: never. */
  archiveAfterDays: number | null;
}

/** A custom domain of a server, with the DNS records it needs (GET /api/servers/:id/domains). */
export interface CustomDomain {
  hostname: string;
  verified: boolean;
  verifiedAt: string | null;
  checkedAt: string | null;
  checkError: string | null;
  records: Array<{ type: string; name: string; value: string }>;
}

export interface Server {
  id: string;
  name: string;
  ownerId: string;
  nodeId: string;
  templateId: string;
  image: string;
  variables: Record<string, string>;
  memoryMb: number;
  cpuPercent: number;
  diskMb: number;
  state: ServerState;
  phase: ServerPhase;
  suspended: boolean;
  address: { ip: string; port: number } | null;
  createdAt: string;
}

export interface ServerStats {
  serverId: string;
  at: string;
  cpuPercent: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  uptimeSeconds: number;
  players: { online: number; max: number; sample: string[]; version: string; motd: string } | null;
  tps: number | null;
}

export interface BulkResult {
  serverId: string;
  ok: boolean;
  error?: { code: string; message: string };
}

export interface TemplateVariable {
  env: string;
  name: string;
  description: string;
  default: string;
  userViewable: boolean;
  userEditable: boolean;
  rules: { required: boolean; type: string; min?: number; max?: number; pattern?: string; oneOf?: string[] };
}

export interface Template {
  id: string;
  name: string;
  description: string;
  author: string;
  category: string;
  tags: string[];
  images: Array<{ name: string; image: string }>;
  variables: TemplateVariable[];
  recommendedMemory: Array<{ players: number; memoryMb: number }>;
}

export interface StoredTemplate {
  template: Template;
  source: 'builtin' | 'custom' | 'imported';
}
