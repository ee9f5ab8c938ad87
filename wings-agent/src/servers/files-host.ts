import type { ServerSpec } from '@conductor/core/protocol';
import type { FilesHost } from '../files/host.js';
import type { ServerManager } from './manager.js';

/** The file layer's view of the servers on this node. */
export class ManagerFilesHost implements FilesHost {
  constructor(private readonly manager: ServerManager) {}

  serverRoot(serverId: string): string {
    this.manager.get(serverId);
    return this.manager.volumePath(serverId);
  }

  spec(serverId: string): ServerSpec {
    return this.manager.get(serverId).spec;
  }

  owner(): { uid: number; gid: number } {
    return this.manager.fileOwner();
  }

  async stopForQuota(serverId: string, reason: string): Promise<void> {
    const runtime = this.manager.get(serverId);
    if (runtime.state !== 'running' && runtime.state !== 'starting') return;
    runtime.announce(reason);
    await runtime.stop();
  }
}
