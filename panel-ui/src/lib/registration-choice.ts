import { ref } from 'vue';
import { get, patch } from '../api/client.js';
import type { AuthSettingsView } from './types.js';

/**
 * Whether an admin has said who may sign up. Shared so that answering on the first-run card or
 * saving the security page hides the card everywhere at once. Null: not known yet.
 */
export const registrationChosen = ref<boolean | null>(null);

export async function loadRegistrationChoice(): Promise<void> {
  registrationChosen.value = (await get<AuthSettingsView>('/api/admin/settings/auth')).registrationChosen;
}

export async function chooseRegistration(open: boolean): Promise<void> {
  registrationChosen.value = (await patch<AuthSettingsView>('/api/admin/settings/auth', { registrationOpen: open })).registrationChosen;
}
