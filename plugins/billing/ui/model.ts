export type Phase = 'active' | 'sleep' | 'archived';

export interface Account {
  currency: string;
  balanceCents: number;
  hoursLeft: number | null;
  suspended: boolean;
  graceUntil: string | null;
  autoTopup: { enabled: boolean; thresholdCents: number; amountCents: number; cardSaved: boolean };
  paymentsEnabled: boolean;
}

export interface LedgerEntry {
  id: number;
  ownerId: string;
  kind: 'topup' | 'usage' | 'refund' | 'promo' | 'adjustment';
  amountCents: number;
  reason: string | null;
  createdAt: string;
}

export interface UsageReport {
  currency: string;
  from: string;
  to: string;
  byPhase: Array<{ phase: Phase; costCents: number; hours: number }>;
  byServer: Array<{ serverId: string; name: string | null; ownerId: string; costCents: number; byPhase: Record<Phase, number> }>;
  daily: Array<{ day: string; costCents: number }>;
  forecast: { method: 'trailing_30_day_average'; month: string; costCents: number };
  sleepSaved: { method: 'sleep_hours_at_active_rate'; costCents: number };
  revenueCents?: number;
}

export interface Price {
  templateId: string;
  phase: Phase;
  priceMicroCents: number;
}

export interface OwnerSummary {
  ownerId: string;
  email: string | null;
  balanceCents: number;
  totals: Record<LedgerEntry['kind'], number>;
}
