import type { PanelUiApi } from '../../../panel-ui/src/extensions/plugins.js';
import { i18n } from '../../../panel-ui/src/i18n/index.js';
import { de, en } from './i18n.js';

/** The Backups tab on the server page and the admins' Backup targets page; their strings join the panel's (English and German). */
export default function register(ui: PanelUiApi): void {
  i18n.global.mergeLocaleMessage('en', en);
  i18n.global.mergeLocaleMessage('de', de);
  ui.registerServerTab({ id: 'backups', title: 'backups.tab', order: 110, component: () => import('./BackupsTab.vue') });
  ui.registerPage({ path: 'backup-targets', title: 'backups.targets.nav', adminOnly: true, component: () => import('./TargetsPage.vue') });
}
