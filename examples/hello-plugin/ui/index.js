import { de, en } from './messages.js';

/**
 * The plugin's UI entry: the panel imports ui-dist/index.js at run time and calls this with its
 * registration API (docs/plugins.md, "UI"). Components load when first shown.
 * @param {import('@conductor/panel-sdk').PanelUiApi} ui
 */
export default function register(ui) {
  ui.addMessages({ en, de });
  ui.registerPage({ path: 'hello', title: 'hello.nav', component: () => import('./GreetingsPage.vue') });
  ui.registerServerTab({
    id: 'greetings',
    title: 'hello.tab',
    order: 130,
    permission: 'hello.read',
    component: () => import('./GreetingsTab.vue'),
  });
  ui.registerAccountCard({ id: 'hello-greetings', component: () => import('./GreetingsCard.vue') });
}
