/** The schedules API's shapes (core's schedules module, /api/schedules). */
export interface TaskInput {
  type: string;
  options: Record<string, unknown>;
  delaySeconds: number;
  continueOnFailure: boolean;
}

export interface Schedule {
  id: string;
  serverId: string;
  name: string;
  cron: string;
  timezone: string;
  description: string;
  active: boolean;
  onlyWhenOnline: boolean;
  missedRuns: 'skip' | 'run_once';
  nextRunAt: string;
  nextRuns: string[];
  lastRunAt: string | null;
  tasks: Array<TaskInput & { position: number }>;
}

export interface TaskResult {
  position: number;
  type: string;
  status: 'pending' | 'running' | 'completed' | 'failed' | 'skipped' | 'cancelled';
  startedAt: string | null;
  finishedAt: string | null;
  detail: string | null;
  code: string | null;
  reason: string | null;
}

export interface Run {
  id: string;
  trigger: 'schedule' | 'manual';
  status: 'running' | 'completed' | 'failed' | 'cancelled' | 'skipped';
  code: string | null;
  reason: string | null;
  startedAt: string;
  finishedAt: string | null;
  tasks: TaskResult[];
}

/** A JSON Schema of a task type's options, as far as the builder reads it. */
export interface OptionSchema {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: OptionSchema[];
  items?: OptionSchema;
  properties?: Record<string, OptionSchema>;
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
}

export interface TaskType {
  type: string;
  label: string;
  options: OptionSchema;
}
