import type { Executor } from '../../kernel/database.js';
import type { NodeCommitment, ServerPlacement, ServerRepository } from './repository.js';
import type { SleepFreesMemory } from './memory-held.js';
import type { ServerView } from './schema.js';

/** Read-only questions other plugins ask about servers; the servers table stays private to this module. */
export class ServerDirectory {
  constructor(private readonly deps: { serverRepository: ServerRepository }) {}

  find(id: string, executor?: Executor): Promise<ServerView | null> {
    return this.deps.serverRepository.get(id, executor);
  }

  /** Those of these ids that are no server (any more). */
  async missing(ids: string[]): Promise<string[]> {
    const existing = new Set(await this.deps.serverRepository.existing(ids));
    return ids.filter((id) => !existing.has(id));
  }

  ownerOf(id: string): Promise<string | null> {
    return this.deps.serverRepository.ownerOf(id);
  }

  /** Memory promised to servers per node (in the caller's transaction when given: a placement tap). */
  allocatedMemory(executor?: Executor): Promise<Map<string, number>> {
    return this.deps.serverRepository.allocatedMemory(executor);
  }

  /** Memory and disk promised per node (see ServerRepository.committed). */
  committed(executor?: Executor): Promise<Map<string, NodeCommitment>> {
    return this.deps.serverRepository.committed(executor);
  }

  /** A scaled cluster's choice: its sleeping servers give their node's memory back (null: they keep it). */
  setMemoryFreedAsleep(location: string, freed: SleepFreesMemory | null, executor?: Executor): Promise<void> {
    return this.deps.serverRepository.setMemoryFreedAsleep(location, freed, executor);
  }

  /** The servers an account owns (its quota counts them). */
  idsOwnedBy(ownerId: string, executor?: Executor): Promise<string[]> {
    return this.deps.serverRepository.idsOwnedBy(ownerId, executor);
  }

  countByState(): Promise<Record<string, number>> {
    return this.deps.serverRepository.countByState();
  }

  /** Every server's node, state and memory: the fleet's figures. */
  placements(): Promise<ServerPlacement[]> {
    return this.deps.serverRepository.placements();
  }
}
