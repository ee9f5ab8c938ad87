import type { PanelUiApi } from '@conductor/panel-sdk';
import { de, en } from './messages.js';

/** The scaling plugin's UI (docs/scaling.md): the admin's Fleet page and the fleet simulator. */
export default function register(ui: PanelUiApi): void {
  ui.addMessages({ en, de });
  ui.registerPage({ path: 'fleet', title: 'scaling.nav', adminOnly: true, component: () => import('./FleetPage.vue') });
  ui.registerPage({
    path: 'fleet-simulator',
    title: 'scaling.sim.nav',
    adminOnly: true,
    component: () => import('./SimulatorPage.vue'),
  });
}
