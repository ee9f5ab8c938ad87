import type { Logger } from 'pino';
import { z } from 'zod';
import type { Executor } from '../../kernel/database.js';
import { badRequest } from '../../kernel/errors.js';
import type { ScheduleRepository } from './repository.js';

/** What a task's `run` is given. */
export interface TaskContext<O> {
  serverId: string;
  scheduleId: string;
  runId: string;
  /** The task's options, parsed by its type's schema. */
  options: O;
  /** Aborted when a person cancels the run or the panel stops: a long task should give up then. */
  signal: AbortSignal;
  logger: Logger;
}

/** A kind of task a schedule's chain can hold; core brings command, power and wait, plugins add theirs (backups: backup). */
export interface TaskType<S extends z.ZodType = z.ZodType> {
  /** Lower-case, dash or underscore separated: what the chain stores. */
  type: string;
  /** For the builder: "Make a backup". */
  label: string;
  /** The task's options; unknown fields should be refused (z.strictObject). */
  options: S;
  /** A schedule holding this task runs at most this often (backups fill disks). */
  minIntervalMinutes?: number;
  /** Checks of the options that need I/O (a backup target exists), when a schedule is saved: throw an AppError (4xx) to refuse it. */
  check?(options: z.output<S>, serverId: string): Promise<void>;
  /**
   * Resolves when the task's work is done (a backup finished, not just started), so the next
   * task waits for it; throws to fail (an AppError's code is the run's reason code).
   */
  run(ctx: TaskContext<z.output<S>>): Promise<{ detail?: string } | void>;
}

export interface TaskTypeView {
  type: string;
  label: string;
  /** JSON Schema of the options. */
  options: Record<string, unknown>;
  minIntervalMinutes: number | null;
}

const TYPE_NAME = /^[a-z][a-z0-9_-]{0,63}$/;

/** The extension point (`coreServices.schedules.scheduleTasks`): plugins register their task types at init. */
export class ScheduleTasks {
  private readonly types = new Map<string, TaskType>();

  constructor(private readonly deps: { scheduleRepository: ScheduleRepository }) {}

  /** The stored options of every task of a type, for its plugin's own checks (is a backup target still used?). */
  usages(type: string, executor?: Executor): Promise<Array<{ scheduleId: string; options: Record<string, unknown> }>> {
    return this.deps.scheduleRepository.tasksOfType(type, executor);
  }

  register<S extends z.ZodType>(taskType: TaskType<S>): void {
    if (!TYPE_NAME.test(taskType.type)) throw new Error(`task type "${taskType.type}" must match ${TYPE_NAME}`);
    if (this.types.has(taskType.type)) throw new Error(`task type "${taskType.type}" is already registered`);
    this.types.set(taskType.type, taskType as unknown as TaskType);
  }

  /** A plugin that stops takes its types with it: schedules holding them fail with unknown_task_type until it is back. */
  unregister(type: string): void {
    this.types.delete(type);
  }

  get(type: string): TaskType | undefined {
    return this.types.get(type);
  }

  list(): TaskTypeView[] {
    return [...this.types.values()].map((t) => ({
      type: t.type,
      label: t.label,
      options: z.toJSONSchema(t.options, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
      minIntervalMinutes: t.minIntervalMinutes ?? null,
    }));
  }

  /** The options checked by the type's schema: 400 unknown_task_type or invalid_task_options naming the task and field. */
  parse(position: number, type: string, options: unknown): unknown {
    const taskType = this.types.get(type);
    if (!taskType)
      throw badRequest(
        'unknown_task_type',
        `Task ${position}: there is no task type "${type}" (known: ${[...this.types.keys()].join(', ')})`,
      );
    const parsed = taskType.options.safeParse(options ?? {});
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? ` at ${issue.path.map(String).join('.')}` : '';
    throw badRequest('invalid_task_options', `Task ${position} (${type}): invalid options${where}: ${issue.message}`, {
      task: position,
      path: issue.path.map(String).join('.'),
    });
  }
}
