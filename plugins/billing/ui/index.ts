import type { PanelUiApi } from '@conductor/panel-sdk';
import { de, en } from './messages.js';
import './billing.css';

/**
 * The billing plugin's UI (docs/billing.md): the owner's billing page (balance, top-up, auto
 * top-up, usage and its trend, forecast, ledger) and the admin's page (prices, revenue, owners'
 * ledgers and adjustments).
 */
export default function register(ui: PanelUiApi): void {
  ui.addMessages({ en, de });
  ui.registerPage({ path: 'billing', title: 'billing.nav', component: () => import('./BillingPage.vue') });
  ui.registerPage({ path: 'billing-admin', title: 'billing.adminNav', adminOnly: true, component: () => import('./AdminBillingPage.vue') });
}
