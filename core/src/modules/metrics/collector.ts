import pLimit from 'p-limit';
import type { Logger } from 'pino';
import type { NodeService } from '../nodes/service.js';
import { IoRateTracker } from './io-rates.js';
import type { StatsRepository } from './repository.js';

const DAY = 86_400_000;
/** Nodes asked for their stats at the same time. */
const NODES_AT_ONCE = 16;

/** Samples every running server's stats from its node, folds them into coarser rollups, and forgets old ones. */
export class StatsCollector {
  private readonly deps: { nodeService: NodeService; statsRepository: StatsRepository; logger: Logger };

  private readonly ioRates = new IoRateTracker();

  constructor(deps: StatsCollector['deps']) {
    this.deps = deps;
  }

  /**
   * Asks the nodes that are up a few at a time (one after another, 1,000 nodes took longer than
   * the 10 s between collections), then writes every sample of this moment in one batch.
   */
  async collect(at = new Date()): Promise<number> {
    const moment = new Date(Math.floor(at.getTime() / 1000) * 1000);
    const limit = pLimit(NODES_AT_ONCE);
    const up = (await this.deps.nodeService.all()).filter((node) => node.status === 'up');
    const perNode = await Promise.all(
      up.map((node) =>
        limit(async () => {
          try {
            return (await this.deps.nodeService.client(node).allStats()).stats;
          } catch (err) {
            this.deps.logger.warn({ err, node: node.name }, 'could not sample stats from a node');
            return [];
          }
        }),
      ),
    );
    const samples = perNode.flat();
    await this.deps.statsRepository.insertRaw(samples, moment, this.ioRates.rates(samples, moment));
    return samples.length;
  }

  async rollup(now = new Date()): Promise<{ minutes: number; hours: number }> {
    // Samples of a collection that finished late still land in their minute: leave a margin.
    const settled = new Date(now.getTime() - 30_000);
    const minutes = await this.deps.statsRepository.rollup('raw', '1m', settled);
    const hours = await this.deps.statsRepository.rollup('1m', '1h', settled);
    return { minutes, hours };
  }

  async prune(now = new Date()): Promise<void> {
    await this.deps.statsRepository.deleteOlderThan('raw', new Date(now.getTime() - DAY));
    await this.deps.statsRepository.deleteOlderThan('1m', new Date(now.getTime() - 30 * DAY));
    await this.deps.statsRepository.deleteOlderThan('1h', new Date(now.getTime() - 365 * DAY));
  }
}
