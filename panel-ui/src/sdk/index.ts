/**
 * @conductor/panel-sdk: what a plugin's UI bundle may use of the panel. Plugin bundles import it
 * (and vue, vue-router, vue-i18n) by bare name; the panel's page maps those names to its own
 * copies with an import map, so a plugin shares one Vue, one router, one i18n and one session
 * with the app. Everything here is part of the plugin API (PLUGIN_API_VERSION in
 * @conductor/core): removing or changing an export is a major step. See docs/plugins.md, "UI".
 */

// The extension points: a plugin's entry gets them as its argument.
export type { PanelUiApi, PanelUiEntry } from '../extensions/plugin-api.js';
export type { AccountCardExtension, LazyComponent, NavEntryExtension, PageExtension, ServerTabExtension } from '../extensions/registry.js';
export type { PluginMessages, Locale } from '../i18n/index.js';

// The UI kit.
export { default as UiAlert } from '../components/UiAlert.vue';
export { default as UiButton } from '../components/UiButton.vue';
export { default as UiCard } from '../components/UiCard.vue';
export { default as UiField } from '../components/UiField.vue';
export { default as UiSelect } from '../components/UiSelect.vue';
export { default as UiSwitch } from '../components/UiSwitch.vue';
export { default as MeterBar } from '../components/MeterBar.vue';
export { default as StateBadge } from '../components/StateBadge.vue';
export { default as UploadProgress } from '../components/UploadProgress.vue';
/** A server's schedules with the builder; `onlyType` and `newTasks` make it a plugin's view of its own task (Backups). */
export { default as SchedulesPanel } from '../components/schedules/SchedulesPanel.vue';
export type { Schedule, TaskInput as ScheduleTaskInput } from '../components/schedules/types.js';

// Talking to the panel.
export { ApiError, api, get, post, put, patch, del, getText, putRaw, upload } from '../api/client.js';
export { pluginSocket } from './socket.js';

// Forms, errors, formatting and language.
export { useAction } from '../lib/use-action.js';
/** Asks in the panel's modal dialog; use it instead of window.confirm. */
export { confirmAction, type ConfirmOptions } from '../lib/confirm.js';
/** A short note in the corner that outlives the page (read out by screen readers). */
export { showToast, type ToastKind } from '../lib/toast.js';
export { errorMessage, describeError } from '../lib/errors.js';
export { formatBytes, formatDate, formatDateTimeSeconds, formatMemory, formatPercent, displayTimeZone } from '../lib/format.js';
export { i18n, LOCALES } from '../i18n/index.js';

// Who is signed in and what they may do on a server.
export { session, type User } from '../lib/session.js';
export { allows, useServerAccess, type ServerAccess } from '../lib/server-access.js';
export { permissionLabel, groupLabel, loadPermissionGroups, type PermissionGroup } from '../lib/permission-labels.js';

// The API's shapes the server tab gets.
export type { Server, ServerState, ServerStats } from '../lib/types.js';
