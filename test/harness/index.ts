export * from './panel.js';
export * from './postgres.js';
export * from './docker.js';
