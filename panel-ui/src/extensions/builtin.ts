import { registerPage, registerServerTab } from './registry.js';

/**
 * First-party UI registered through the same extension point plugins use, so the point is
 * exercised every day: the server's activity tab and the admin's hooks and jobs page.
 */
export function registerBuiltinExtensions(): void {
  registerServerTab({ id: 'activity', title: 'server.tabs.activity', order: 40, permission: 'activity.read', component: () => import('../pages/server/ActivityTab.vue') });
  registerPage({ path: 'kernel', title: 'nav.kernel', adminOnly: true, component: () => import('../pages/admin/KernelPage.vue') });
}
