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
 * Mocha root hooks: containers and networks a previous, interrupted run left behind are removed
 * first; at the end the same again, and the throwaway PostgreSQL goes away.
 */
export const mochaHooks = {
  async beforeAll(): Promise<void> {
    if (await dockerUp()) await cleanupDocker();
  },
  async afterAll(): Promise<void> {
    if (await dockerUp()) await cleanupDocker();
    stopThrowawayPostgres();
  },
};
