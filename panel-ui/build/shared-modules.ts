/**
 * The modules the panel shares with plugin UI bundles, by the bare name a bundle imports them
 * with, and the host file that is built into each one's own entry. The panel's page maps these
 * names to those entries (import-map.ts); plugin bundles leave them external
 * (vite.plugin-ui.config.ts). Adding a name is a minor step of the plugin API, removing one a
 * major step.
 */
export const SHARED_MODULES = {
  vue: 'src/sdk/shared/vue.ts',
  'vue-router': 'src/sdk/shared/vue-router.ts',
  'vue-i18n': 'src/sdk/shared/vue-i18n.ts',
  '@conductor/panel-sdk': 'src/sdk/index.ts',
} as const;

export type SharedModule = keyof typeof SHARED_MODULES;

/** The entry (chunk) name each shared module is built under: "vue-router", "conductor-panel-sdk". */
export function entryName(specifier: string): string {
  return specifier.replace(/^@/, '').replace(/[^a-z0-9-]+/g, '-');
}
