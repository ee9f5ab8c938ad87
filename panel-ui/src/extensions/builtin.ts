import { registerAccountCard, registerPage, registerServerTab } from './registry.js';

/**
 * First-party UI registered through the same extension point plugins use, so the point is
 * exercised every day: the server's schedules, activity and users tabs and the admin's Diagnostics page (jobs and hooks).
 */
export function registerBuiltinExtensions(): void {
  registerServerTab({
    id: 'schedules',
    title: 'schedules.tab',
    order: 35,
    permission: 'schedule.read',
    component: () => import('../pages/server/SchedulesTab.vue'),
  });
  registerServerTab({
    id: 'activity',
    title: 'server.tabs.activity',
    order: 40,
    permission: 'activity.read',
    component: () => import('../pages/server/ActivityTab.vue'),
  });
  registerServerTab({
    id: 'startup',
    title: 'startup.tab',
    order: 44,
    permission: 'startup.read',
    component: () => import('../pages/server/StartupTab.vue'),
  });
  registerServerTab({
    id: 'network',
    title: 'network.tab',
    order: 45,
    component: () => import('../pages/server/NetworkTab.vue'),
  });
  registerServerTab({
    id: 'users',
    title: 'subusers.tab',
    order: 50,
    permission: 'user.read',
    component: () => import('../pages/server/UsersTab.vue'),
  });
  registerAccountCard({ id: 'quota', order: 0, component: () => import('../pages/account/QuotaCard.vue') });
  // Last in the admin area: internals a hoster opens when something looks wrong.
  registerPage({
    path: 'diagnostics',
    title: 'nav.diagnostics',
    adminOnly: true,
    order: 1000,
    component: () => import('../pages/admin/DiagnosticsPage.vue'),
  });
}
