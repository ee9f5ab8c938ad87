import { cleanupDocker, docker } from './docker.js';
import { stopThrowawayPostgres } from './postgres.js';

async function dockerUp(): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

/**
 * Mocha root hooks: first what an interrupted earlier run left behind (an hour old or more); at
 * the end what this run made, and the throwaway PostgreSQL goes away.
 */
export const mochaHooks = {
  async beforeAll(): Promise<void> {
    if (await dockerUp()) await cleanupDocker({ stale: true });
  },
  async afterAll(): Promise<void> {
    if (await dockerUp()) await cleanupDocker();
    stopThrowawayPostgres();
  },
};
