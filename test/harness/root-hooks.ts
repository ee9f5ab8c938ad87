import { stopThrowawayPostgres } from './postgres.js';

/** Mocha root hooks: the throwaway PostgreSQL (started lazily by the first test that needs it) goes away at the end. */
export const mochaHooks = {
  afterAll(): void {
    stopThrowawayPostgres();
  },
};
