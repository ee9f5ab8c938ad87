import { createI18n } from 'vue-i18n';
import { en } from './en.js';
import { de } from './de.js';

export const LOCALES = ['en', 'de'] as const;
export type Locale = (typeof LOCALES)[number];
const STORAGE_KEY = 'conductor.locale';

/** The person's saved choice, else the browser's first language we speak, else English. */
function initialLocale(): Locale {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved && (LOCALES as readonly string[]).includes(saved)) return saved as Locale;
  const browser = navigator.languages.map((l) => l.slice(0, 2)).find((l) => (LOCALES as readonly string[]).includes(l));
  return (browser as Locale | undefined) ?? 'en';
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'en',
  messages: { en, de },
  datetimeFormats: {
    en: { short: { dateStyle: 'medium', timeStyle: 'short' }, time: { hour: '2-digit', minute: '2-digit', second: '2-digit' } },
    de: { short: { dateStyle: 'medium', timeStyle: 'short' }, time: { hour: '2-digit', minute: '2-digit', second: '2-digit' } },
  },
  numberFormats: {
    en: { decimal: { maximumFractionDigits: 1 }, percent: { style: 'percent', maximumFractionDigits: 0 } },
    de: { decimal: { maximumFractionDigits: 1 }, percent: { style: 'percent', maximumFractionDigits: 0 } },
  },
});

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
}

/** A plugin UI's messages per locale: English is required, the others fall back to it. */
export type PluginMessages = { en: Record<string, unknown> } & Partial<Record<Locale, Record<string, unknown>>>;

/**
 * Messages a plugin's UI brings along: merged into the panel's, per locale, under the plugin's
 * own top-level keys. A locale the plugin does not translate falls back to English.
 */
export function addMessages(messages: PluginMessages): void {
  for (const locale of LOCALES) {
    const own = messages[locale];
    if (own) i18n.global.mergeLocaleMessage(locale, own as never);
  }
}
