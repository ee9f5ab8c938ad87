import type { PanelUiApi } from '@conductor/panel-sdk';
import { de, en } from './messages.js';

/**
 * The teams plugin's UI (docs/teams.md): the Teams page (a team switcher and the chosen team's
 * dashboard) and the page an invite mail links to, which opens without signing in.
 */
export default function register(ui: PanelUiApi): void {
  ui.addMessages({ en, de });
  ui.registerPage({ path: 'teams', title: 'teams.nav', order: 50, component: () => import('./TeamsPage.vue') });
  ui.registerPage({
    path: 'team-invite',
    title: 'teams.invite.title',
    nav: false,
    public: true,
    component: () => import('./InvitePage.vue'),
  });
}
