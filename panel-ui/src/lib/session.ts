import { reactive } from 'vue';
import { get } from '../api/client.js';
import type { MeAnswer, User } from './types.js';

export type { User } from './types.js';

/** Who is signed in; `loaded` tells "not signed in" apart from "not asked yet". */
export const session = reactive({ user: null as User | null, loaded: false, twoFactorSetupRequired: false });

export async function loadSession(): Promise<void> {
  try {
    const me = await get<MeAnswer>('/api/auth/me');
    session.user = me.user;
    session.twoFactorSetupRequired = me.twoFactorSetupRequired;
  } catch {
    session.user = null;
  }
  session.loaded = true;
}

export function clearSession(): void {
  session.user = null;
  session.twoFactorSetupRequired = false;
}
