/**
 * For a plugin's own tests: a real panel booted in the test's process with the plugin loaded
 * (SQLite in a temporary folder, or the PostgreSQL database given), as the panel's tests run.
 */
export { startTestPanel, ADMIN_TOKEN, type TestPanel, type TestPanelOptions } from '@conductor/core/testing';
