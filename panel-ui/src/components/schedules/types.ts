/** The schedules API's shapes, from core's schedules schemas (type-only: erased from the bundle). */
export type { ScheduleView as Schedule, RunView as Run, TaskResult, TaskInput } from '@api/modules/schedules/schemas.js';
import type { TaskTypeView } from '@api/modules/schedules/schemas.js';

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

/** A task type, its options read as the JSON Schema the builder understands. */
export type TaskType = Omit<TaskTypeView, 'options'> & { options: OptionSchema };
