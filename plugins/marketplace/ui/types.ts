/** The marketplace API's answers, from the plugin's own zod schemas (type-only: erased from the bundle). */
export type {
  ProjectView as Project,
  VersionView as Version,
  PlanView as Plan,
  InstallView as Install,
  UnmanagedView as Unmanaged,
  HistoryView as HistoryEntry,
  ProgressUpdate as Progress,
  ProgressMessage,
  SyncStatusView,
  GameView,
  SearchAnswer,
  ProjectDetail,
  InstalledAnswer,
  InstallResultView,
} from '../src/views.js';
