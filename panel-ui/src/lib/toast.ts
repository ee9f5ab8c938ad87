import { reactive } from 'vue';

export type ToastKind = 'success' | 'error' | 'info';

export interface Toast {
  id: number;
  message: string;
  kind: ToastKind;
}

/** The notes on screen: ToastHost (mounted once in App.vue) shows them. */
export const toasts = reactive<Toast[]>([]);
let nextId = 1;

/** Long enough to read a sentence twice; errors stay until dismissed, since they may need acting on. */
const SHOWN_MS = 8000;

export function dismissToast(id: number): void {
  const i = toasts.findIndex((t) => t.id === id);
  if (i >= 0) toasts.splice(i, 1);
}

/**
 * A short note that outlives the page it was made on (a deletion that leads back to the list, a
 * bulk action's outcome). Read out by screen readers through the host's live region. Inline
 * messages stay where the person's eyes are (a form's error, a saved form); this is for the rest.
 */
export function showToast(message: string, kind: ToastKind = 'success'): void {
  const id = nextId++;
  toasts.push({ id, message, kind });
  if (kind !== 'error') setTimeout(() => dismissToast(id), SHOWN_MS);
}
