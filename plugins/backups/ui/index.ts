import type { PanelUiApi } from '@conductor/panel-sdk';
import { de, en } from './i18n.js';

/** The Backups tab on the server page (for people with backup.read) and the admins' Backup targets page; their strings join the panel's (English and German). */
export default function register(ui: PanelUiApi): void {
  ui.addMessages({ en, de });
  ui.registerServerTab({
    id: 'backups',
    title: 'backups.tab',
    order: 110,
    permission: 'backup.read',
    component: () => import('./BackupsTab.vue'),
  });
  ui.registerPage({ path: 'backup-targets', title: 'backups.targets.nav', adminOnly: true, component: () => import('./TargetsPage.vue') });
}
