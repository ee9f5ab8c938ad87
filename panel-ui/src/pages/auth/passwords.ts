import type { Ref } from 'vue';
import { i18n } from '../../i18n/index.js';

/** The checks a person can fix before sending: the API's rule (10 characters) and a matching repeat. */
export function passwordProblem(password: string, repeat: string): string | null {
  const { t } = i18n.global;
  if (password.length < 10) return t('account.passwordTooShort');
  if (password !== repeat) return t('signup.mismatch');
  return null;
}

/**
 * A form that sets a new password: refuse it on the page when it cannot pass, else send it
 * through useAction's run() and clear both fields once it worked.
 */
export async function submitNewPassword(
  fields: { password: Ref<string>; repeat: Ref<string> },
  action: { error: Ref<string | null>; run: (fn: () => Promise<unknown>) => Promise<boolean> },
  send: (password: string) => Promise<void>,
): Promise<boolean> {
  const problem = passwordProblem(fields.password.value, fields.repeat.value);
  if (problem) {
    action.error.value = problem;
    return false;
  }
  const ok = await action.run(() => send(fields.password.value));
  if (ok) fields.password.value = fields.repeat.value = '';
  return ok;
}
