export { Agent, AGENT_VERSION } from './agent.js';
export { loadAgentConfig, agentConfigSchema, type AgentConfig } from './config.js';
export { buildStartupArgs } from './servers/startup.js';
