import type { z } from 'zod';
import { AppError } from '@conductor/core/shared';

/** The panel's validation contract: 400 validation_failed naming the field. */
export function validate<T extends z.ZodType>(schema: T, value: unknown, where: 'params' | 'query' | 'body'): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({ in: where, path: i.path.map(String).join('.'), message: i.message }));
  throw new AppError(
    400,
    'validation_failed',
    `Invalid ${where}${details[0]!.path ? ` at ${details[0]!.path}` : ''}: ${details[0]!.message}`,
    details,
  );
}
