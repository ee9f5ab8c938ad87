import { ref } from 'vue';
import { errorMessage } from './errors.js';

/**
 * The busy flag and readable error every form and button shares: run() clears the error, marks
 * busy, and turns a failure into a sentence instead of letting it escape.
 */
export function useAction() {
  const busy = ref(false);
  const error = ref<string | null>(null);
  /** True when fn succeeded, so a caller reloads only then (a reload would clear the error). */
  async function run(fn: () => Promise<unknown>): Promise<boolean> {
    busy.value = true;
    error.value = null;
    try {
      await fn();
      return true;
    } catch (err) {
      error.value = errorMessage(err);
      return false;
    } finally {
      busy.value = false;
    }
  }
  return { busy, error, run };
}
