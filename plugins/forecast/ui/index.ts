import type { PanelUiApi } from '@conductor/panel-sdk';
import { de, en } from './messages.js';

/** The forecast plugin's UI (docs/forecast.md): an admin page with the band over the actuals and the backtest. */
export default function register(ui: PanelUiApi): void {
  ui.addMessages({ en, de });
  ui.registerPage({ path: 'forecast', title: 'forecast.nav', adminOnly: true, component: () => import('./ForecastPage.vue') });
}
