/** The backups API's answers, from the plugin's own zod schemas (type-only: erased from the bundle). */
export type {
  BackupView as Backup,
  BackupList,
  TargetListItem as Target,
  TargetView as TargetDetails,
  TargetTestResult,
  BackupProgress as Progress,
  BackupUpdate,
} from '../src/schema.js';
