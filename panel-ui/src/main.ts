import { createApp } from 'vue';
import App from './App.vue';
import { setUnauthenticatedHandler } from './api/client.js';
import { registerBuiltinExtensions } from './extensions/builtin.js';
import { registerPluginUi } from './extensions/plugins.js';
import { i18n } from './i18n/index.js';
import { applyTheme } from './lib/theme.js';
import { clearSession } from './lib/session.js';
import { buildRouter } from './router.js';
import './styles.css';

applyTheme();
document.documentElement.lang = i18n.global.locale.value;
registerBuiltinExtensions();
registerPluginUi();
const router = buildRouter();
setUnauthenticatedHandler(() => {
  clearSession();
  if (router.currentRoute.value.name !== 'login') void router.push({ name: 'login', query: { next: router.currentRoute.value.fullPath } });
});
createApp(App).use(i18n).use(router).mount('#app');
