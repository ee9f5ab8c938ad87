import type { PanelUiApi } from '@conductor/panel-sdk';
import { de, en } from './i18n.js';

/** The Plugins tab on the server page (browse, install, installed, updates, history) and the admins' catalogue sync page. */
export default function register(ui: PanelUiApi): void {
  ui.addMessages({ en, de });
  ui.registerServerTab({
    id: 'plugins',
    title: 'marketplace.tab',
    order: 115,
    permission: 'marketplace.read',
    component: () => import('./MarketplaceTab.vue'),
  });
  ui.registerPage({ path: 'marketplace-sync', title: 'marketplace.sync.nav', adminOnly: true, component: () => import('./SyncPage.vue') });
}
