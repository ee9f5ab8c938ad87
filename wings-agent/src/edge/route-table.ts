import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { edgeRouteTable, type EdgeRoute, type EdgeRouteTable } from '@conductor/core/protocol';
import { conflict } from '@conductor/core/shared';

/**
 * The routes the panel pushed, kept on disk so players reach their servers while the agent
 * restarts and before the panel pushes again.
 */
export class RouteTable {
  private readonly file: string;
  private table: EdgeRouteTable = { version: 0, routes: [] };
  private byHostname = new Map<string, EdgeRoute>();
  private byPort = new Map<number, EdgeRoute>();

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'edge-routes.json');
    if (existsSync(this.file)) this.index(edgeRouteTable.parse(JSON.parse(readFileSync(this.file, 'utf8'))));
  }

  get current(): EdgeRouteTable {
    return this.table;
  }

  /** Replaces the table; an older version than the one in force is refused (two pushes crossed). */
  replace(table: EdgeRouteTable): void {
    if (table.version < this.table.version)
      throw conflict('stale_routes', `Route table version ${table.version} is older than the one in force (${this.table.version})`);
    writeFileSync(`${this.file}.tmp`, JSON.stringify(table));
    renameSync(`${this.file}.tmp`, this.file);
    this.index(table);
  }

  forHostname(hostname: string): EdgeRoute | null {
    return this.byHostname.get(hostname) ?? null;
  }

  forPort(port: number): EdgeRoute | null {
    return this.byPort.get(port) ?? null;
  }

  forServer(serverId: string): EdgeRoute | null {
    return this.table.routes.find((r) => r.serverId === serverId) ?? null;
  }

  listenPorts(): number[] {
    return [...this.byPort.keys()];
  }

  private index(table: EdgeRouteTable): void {
    this.table = table;
    this.byHostname = new Map(table.routes.flatMap((r) => r.hostnames.map((h) => [h, r] as const)));
    this.byPort = new Map(table.routes.flatMap((r) => r.listenPorts.map((p) => [p, r] as const)));
  }
}
