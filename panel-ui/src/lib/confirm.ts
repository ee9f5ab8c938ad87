import { shallowRef } from 'vue';

export interface ConfirmOptions {
  /** The confirming button's words ("Delete", "Revoke"); a general "Continue" when left out. */
  confirm?: string;
  /** Styles the confirming button as destructive. */
  danger?: boolean;
}

export interface PendingConfirm extends ConfirmOptions {
  message: string;
  settle(ok: boolean): void;
}

/** The question on screen, if any: ConfirmDialog (mounted once in App.vue) shows it. */
export const pendingConfirm = shallowRef<PendingConfirm | null>(null);

/**
 * Asks the person to confirm in the panel's own modal dialog (instead of window.confirm, which
 * cannot be styled or translated in its buttons and blocks the page's scripts). Resolves true when
 * confirmed, false when cancelled (Cancel, Escape). A second question while one is open cancels
 * the first.
 */
export function confirmAction(message: string, options: ConfirmOptions = {}): Promise<boolean> {
  pendingConfirm.value?.settle(false);
  return new Promise<boolean>((resolve) => {
    const pending: PendingConfirm = {
      ...options,
      message,
      settle(ok) {
        if (pendingConfirm.value === pending) pendingConfirm.value = null;
        resolve(ok);
      },
    };
    pendingConfirm.value = pending;
  });
}
