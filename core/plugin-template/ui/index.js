import { de, en } from './messages.js';

/**
 * The plugin's UI entry: the panel imports ui-dist/index.js at run time and calls this with its
 * registration API. Components load when first shown.
 * @param {import('@conductor/panel-sdk').PanelUiApi} ui
 */
export default function register(ui) {
  ui.addMessages({ en, de });
  ui.registerPage({ path: '__name__', title: '__table__.nav', component: () => import('./NotesPage.vue') });
  ui.registerServerTab({
    id: '__name__',
    title: '__table__.tab',
    order: 150,
    permission: '__name__.read',
    component: () => import('./NotesTab.vue'),
  });
}
