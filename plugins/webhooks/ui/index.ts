import type { PanelUiApi } from '@conductor/panel-sdk';
import { de, en } from './messages.js';

/**
 * The webhooks plugin's UI (docs/webhooks.md): a Webhooks tab on the server page for people with
 * webhook.read, and an admin page for global webhooks. Both show each webhook's delivery log.
 */
export default function register(ui: PanelUiApi): void {
  ui.addMessages({ en, de });
  ui.registerServerTab({
    id: 'webhooks',
    title: 'webhooks.tab',
    order: 120,
    permission: 'webhook.read',
    component: () => import('./ServerWebhooksTab.vue'),
  });
  ui.registerPage({ path: 'webhooks', title: 'webhooks.globalNav', adminOnly: true, component: () => import('./GlobalWebhooksPage.vue') });
}
