import { z } from 'zod';
import { defineEvents, type EventDataOf } from '../../kernel/event-types.js';

export const templateEvents = defineEvents({
  'template.created': {
    description: 'An admin added a template (custom, or imported from an egg)',
    data: z.strictObject({ templateId: z.string(), source: z.enum(['custom', 'imported']) }),
  },
  'template.updated': { description: 'An admin changed a template', data: z.strictObject({ templateId: z.string() }) },
  'template.deleted': { description: 'An admin deleted a template', data: z.strictObject({ templateId: z.string() }) },
});

declare module '../../kernel/event-types.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface EventTypes extends EventDataOf<typeof templateEvents> {}
}
