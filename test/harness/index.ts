export * from './panel.js';
export * from './postgres.js';
export * from './docker.js';
export * from './browser.js';
export * from './wait.js';
export * from './agent-process.js';
export * from './minecraft-clients.js';
export * from './debian-image.js';
