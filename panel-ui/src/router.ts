import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { extensionPages } from './extensions/registry.js';
import { session, loadSession } from './lib/session.js';

export function buildRouter() {
  const routes: RouteRecordRaw[] = [
    { path: '/login', name: 'login', component: () => import('./pages/LoginPage.vue'), meta: { public: true } },
    // Where an OAuth sign-in lands when the account still needs its second factor.
    {
      path: '/login/two-factor',
      name: 'login-two-factor',
      component: () => import('./pages/LoginPage.vue'),
      meta: { public: true },
      props: { oauthPending: true },
    },
    { path: '/signup', name: 'signup', component: () => import('./pages/auth/SignupPage.vue'), meta: { public: true } },
    {
      path: '/forgot-password',
      name: 'forgot-password',
      component: () => import('./pages/auth/ForgotPasswordPage.vue'),
      meta: { public: true },
    },
    // The paths the panel's mails link to (account-service.ts).
    {
      path: '/reset-password',
      name: 'reset-password',
      component: () => import('./pages/auth/ResetPasswordPage.vue'),
      meta: { public: true },
    },
    { path: '/verify-email', name: 'verify-email', component: () => import('./pages/auth/VerifyEmailPage.vue'), meta: { public: true } },
    {
      path: '/subuser-invite',
      name: 'subuser-invite',
      component: () => import('./pages/auth/SubuserInvitePage.vue'),
      meta: { public: true },
    },
    { path: '/', redirect: '/servers' },
    { path: '/servers', name: 'servers', component: () => import('./pages/ServersPage.vue') },
    { path: '/servers/new', name: 'create-server', component: () => import('./pages/CreateServerPage.vue') },
    { path: '/servers/:id/:tab?', name: 'server', component: () => import('./pages/server/ServerPage.vue'), props: true },
    { path: '/account', name: 'account', component: () => import('./pages/account/AccountPage.vue') },
    // The "password changed" and "new device" mails link here ("Review security log").
    { path: '/account/security', redirect: { path: '/account', hash: '#security-log' } },
    { path: '/admin', redirect: '/admin/nodes' },
    { path: '/admin/nodes', name: 'admin-nodes', component: () => import('./pages/admin/NodesPage.vue'), meta: { admin: true } },
    {
      path: '/admin/templates',
      name: 'admin-templates',
      component: () => import('./pages/admin/TemplatesPage.vue'),
      meta: { admin: true },
    },
    {
      path: '/admin/templates/:id',
      name: 'admin-template',
      component: () => import('./pages/admin/TemplatePage.vue'),
      props: true,
      meta: { admin: true },
    },
    {
      path: '/admin/servers/new',
      name: 'admin-create-server',
      component: () => import('./pages/admin/AdminCreateServerPage.vue'),
      meta: { admin: true },
    },
    { path: '/admin/users', name: 'admin-users', component: () => import('./pages/admin/UsersPage.vue'), meta: { admin: true } },
    {
      path: '/admin/users/:id',
      name: 'admin-user',
      component: () => import('./pages/admin/UserPage.vue'),
      props: true,
      meta: { admin: true },
    },
    { path: '/admin/plugins', name: 'admin-plugins', component: () => import('./pages/admin/PluginsPage.vue'), meta: { admin: true } },
    { path: '/admin/security', name: 'admin-security', component: () => import('./pages/admin/SecurityPage.vue'), meta: { admin: true } },
    ...extensionPages().map((p) => ({
      path: `/p/${p.path}`,
      name: `ext-${p.path}`,
      component: p.component,
      meta: { admin: p.adminOnly ?? false, public: p.public ?? false, title: p.title },
    })),
    { path: '/:rest(.*)*', name: 'not-found', component: () => import('./pages/NotFoundPage.vue'), meta: { public: true } },
  ];
  const router = createRouter({
    history: createWebHistory(),
    routes,
    // A link to a part of a page (/account#sessions) scrolls there once the page has drawn.
    scrollBehavior: (to) => (to.hash ? new Promise((resolve) => setTimeout(() => resolve({ el: to.hash }), 300)) : { top: 0 }),
  });
  router.beforeEach(async (to) => {
    if (!session.loaded) await loadSession();
    if (to.meta.public) return true;
    if (!session.user) return { name: 'login', query: to.fullPath !== '/servers' ? { next: to.fullPath } : {} };
    if (session.twoFactorSetupRequired && to.name !== 'account') return { name: 'account', hash: '#two-factor' };
    if (to.meta.admin && session.user.role !== 'admin') return { name: 'not-found', params: { rest: to.path.slice(1).split('/') } };
    return true;
  });
  // Moves focus to the new page's heading so screen readers announce the navigation. A page that
  // loads its data first (a server's) shows its heading later: look for it a while, unless the
  // person moved the focus or went elsewhere meanwhile.
  let navigation = 0;
  router.afterEach((to) => {
    const mine = ++navigation;
    const started = document.activeElement;
    let tries = 0;
    const focusHeading = () => {
      // A person who already moved on (tabbed into the page) keeps their place.
      const moved = document.activeElement !== started && document.activeElement !== document.body;
      if (mine !== navigation || moved) return;
      const heading = document.querySelector<HTMLElement>('main h1');
      if (heading) heading.focus({ preventScroll: !!to.hash });
      else if (++tries < 100) setTimeout(focusHeading, 50);
    };
    setTimeout(focusHeading, 50);
  });
  return router;
}
