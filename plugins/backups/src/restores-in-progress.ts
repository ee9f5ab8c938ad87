/**
 * Servers whose files are being swapped by a restore on this panel. A backup started meanwhile
 * would archive a half-swapped folder, so backups and restores both look here. (Per panel: two
 * panels restoring one server at once is not prevented.)
 */
export class RestoresInProgress {
  private readonly servers = new Set<string>();

  has(serverId: string): boolean {
    return this.servers.has(serverId);
  }

  /** Marks the server for the length of `work`. */
  async during<T>(serverId: string, work: () => Promise<T>): Promise<T> {
    this.servers.add(serverId);
    try {
      return await work();
    } finally {
      this.servers.delete(serverId);
    }
  }
}
