import { reactive } from 'vue';
import { get } from '../api/client.js';

export interface User {
  id: string;
  email: string;
  role: 'admin' | 'user';
  emailVerified: boolean;
  twoFactorEnabled: boolean;
  locked: boolean;
  /** IANA zone chosen on the account page; null: the browser's. */
  timeZone: string | null;
  createdAt: string;
}

/** Who is signed in; `loaded` tells "not signed in" apart from "not asked yet". */
export const session = reactive({ user: null as User | null, loaded: false, twoFactorSetupRequired: false });

export async function loadSession(): Promise<void> {
  try {
    const me = await get<{ user: User; twoFactorSetupRequired: boolean }>('/api/auth/me');
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
