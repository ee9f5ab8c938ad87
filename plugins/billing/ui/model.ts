/** The billing API's answers, from the plugin's own zod schemas (type-only: erased from the bundle). */
export type {
  AccountView as Account,
  LedgerEntryView as LedgerEntry,
  UsageReport,
  AdminUsageReport,
  PriceView as Price,
  PriceList,
  OwnerSummary,
  OwnerList,
  TopupSession,
  DocumentView,
} from '../src/schema.js';
