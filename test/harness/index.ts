export * from './panel.js';
export * from './postgres.js';
