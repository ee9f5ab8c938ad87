import { createApp } from 'vue';
import App from './App.vue';
import { setUnauthenticatedHandler } from './api/client.js';
import { registerBuiltinExtensions } from './extensions/builtin.js';
import { loadPluginUi } from './extensions/plugins.js';
import { i18n } from './i18n/index.js';
import { applyTheme, followSystemTheme } from './lib/theme.js';
import { clearSession, session } from './lib/session.js';
import { closeServersSocket } from './api/servers-socket.js';
import { buildRouter } from './router.js';
import './styles.css';

/**
 * Plugins register their pages before the router is made from them. Not a top-level await: a
 * plugin bundle imports the SDK, whose chunks must never wait on this module's evaluation.
 */
async function start(): Promise<void> {
  applyTheme();
  followSystemTheme();
  document.documentElement.lang = i18n.global.locale.value;
  registerBuiltinExtensions();
  await loadPluginUi();
  const router = buildRouter();
  setUnauthenticatedHandler(() => {
    // Only a session lost while using the app; the first look-up of /me is the router guard's business.
    if (!session.user) return;
    clearSession();
    closeServersSocket();
    if (router.currentRoute.value.name !== 'login')
      void router.push({ name: 'login', query: { next: router.currentRoute.value.fullPath } });
  });
  createApp(App).use(i18n).use(router).mount('#app');
}

void start();
