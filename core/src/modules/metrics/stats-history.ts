import type { StatsRepository } from './repository.js';

/** What other plugins may read of the stored stats; the stats tables stay private to this module. */
export class StatsHistory {
  constructor(private readonly deps: { statsRepository: StatsRepository }) {}

  /** Players online summed over the given servers per hour (the hourly rollup), for hours that have samples. */
  hourlyPlayers(serverIds: string[], from: Date, to: Date): Promise<Array<{ at: string; players: number }>> {
    if (serverIds.length === 0) return Promise.resolve([]);
    return this.deps.statsRepository.hourlyPlayerTotals(serverIds, from, to);
  }

  /** Memory in use and players online per node from the newest stored collection since `since` (the fleet status). */
  currentByNode(since: Date): Promise<Map<string, { memoryBytes: number; players: number }>> {
    return this.deps.statsRepository.currentByNode(since);
  }
}
