import { abandonStdout, ConfigError, createLogger } from '@conductor/core/shared';
import { Agent } from './agent.js';
import { loadAgentConfig } from './config.js';
import { joinIfNeeded } from './join.js';

/** `npm start -w @conductor/wings-agent`: a bad setting is one line and exit 1. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadAgentConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config);
  const agent = new Agent(await joinIfNeeded(config, logger), logger);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'agent stopping; game servers keep running');
    agent.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  if (config.AGENT_EXIT_WITH_STDIN) {
    // The panel that started us is gone (its end of the pipe closed): nobody reads our logs or
    // would stop us, and its next start runs an agent of its own on our port.
    process.stdin.once('close', () => {
      abandonStdout(); // it read our stdout too
      shutdown('the panel that runs this agent is gone');
    });
    process.stdin.resume();
  }
  await agent.start();
  logger.info({ port: agent.port, servers: agent.manager.list().length }, `Conductor agent listening on port ${agent.port}`);
}

main().catch((err: unknown) => {
  console.error('The agent failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
