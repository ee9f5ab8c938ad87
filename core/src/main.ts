import { loadConfig, ConfigError } from './kernel/config.js';
import { BootError, Kernel } from './kernel/kernel.js';
import { createLogger } from './kernel/logger.js';
import { coreModuleNames, coreModules } from './modules/index.js';

/**
 * `npm start`: boot the panel, print its URL, stop cleanly on SIGTERM/SIGINT. Operator mistakes
 * (bad config, plugin graph) end in one readable line and exit code 1, never a bare stack trace.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config);
  const kernel = new Kernel({ config, plugins: coreModules, required: coreModuleNames, discover: true, logger });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    kernel.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  try {
    await kernel.start();
  } catch (err) {
    if (err instanceof ConfigError || err instanceof BootError) {
      console.error(err.message);
      await kernel.stop().catch(() => undefined);
      process.exit(1);
    }
    throw err;
  }
  const database = config.DATABASE_URL ? 'PostgreSQL' : `SQLite in ${config.DATA_DIR}`;
  logger.info({ url: kernel.url, database }, `Conductor is listening on ${kernel.url}`);
}

main().catch((err: unknown) => {
  console.error('Conductor failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
