import { z } from 'zod';
import { variableRules } from '../../templates/schema.js';

/** A server's startup as its Startup tab shows it. */
export const startupView = z.object({
  /** The template's start command, with {{VARIABLES}} as they are written. */
  startup: z.string(),
  image: z.string(),
  /** The images the template offers; the server runs one of them. */
  images: z.array(z.object({ name: z.string(), image: z.string() })),
  variables: z.array(
    z.object({
      env: z.string(),
      name: z.string(),
      description: z.string(),
      value: z.string(),
      default: z.string(),
      rules: variableRules,
      /** This caller may change it (the template lets users, or the caller is an admin). */
      editable: z.boolean(),
    }),
  ),
});
export type StartupView = z.output<typeof startupView>;

/** A change of variables and/or the image; it applies at the next start. */
export const startupChange = z
  .strictObject({
    variables: z.record(z.string().max(64), z.string().max(256)).optional(),
    image: z.string().min(1).max(255).optional(),
  })
  .refine((b) => b.variables !== undefined || b.image !== undefined, { error: 'give variables or image' });
export type StartupChange = z.output<typeof startupChange>;
