import { ref } from 'vue';

export type Theme = 'light' | 'dark';
const STORAGE_KEY = 'conductor.theme';

function initialTheme(): Theme {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export const theme = ref<Theme>(initialTheme());

export function applyTheme(next: Theme = theme.value): void {
  theme.value = next;
  document.documentElement.dataset.theme = next;
  localStorage.setItem(STORAGE_KEY, next);
}
