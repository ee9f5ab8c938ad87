import { ref } from 'vue';

export type Theme = 'light' | 'dark';
const STORAGE_KEY = 'conductor.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

/** The theme the person chose on this browser; null while they follow the system's. */
function chosen(): Theme | null {
  const saved = localStorage.getItem(STORAGE_KEY);
  return saved === 'light' || saved === 'dark' ? saved : null;
}

function systemTheme(): Theme {
  return window.matchMedia?.(DARK_QUERY).matches ? 'dark' : 'light';
}

export const theme = ref<Theme>(chosen() ?? systemTheme());

/** Shows a theme without remembering it: the system's stays in charge until the person chooses. */
export function applyTheme(next: Theme = theme.value): void {
  theme.value = next;
  document.documentElement.dataset.theme = next;
}

/** The person's own choice, kept for this browser: from now on the system's theme no longer applies. */
export function chooseTheme(next: Theme): void {
  localStorage.setItem(STORAGE_KEY, next);
  applyTheme(next);
}

/** Follows the system's light or dark while the person has not chosen one (it used to freeze at the first visit). */
export function followSystemTheme(): void {
  window.matchMedia?.(DARK_QUERY).addEventListener?.('change', () => {
    if (!chosen()) applyTheme(systemTheme());
  });
}
