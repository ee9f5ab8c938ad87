import { badRequest } from '@conductor/core/shared';

/**
 * Turns a startup template into the container's argv. The template is split into arguments first
 * and variables are substituted inside each argument, so a value can never add an argument or reach
 * a shell. Quotes in the template group words into one argument.
 */
export function buildStartupArgs(template: string, variables: Record<string, string>): string[] {
  const args = splitArguments(template);
  return args.map((arg) =>
    arg.replace(/\{\{\s*([A-Z][A-Z0-9_]*)\s*\}\}/g, (_, name: string) => {
      const value = variables[name];
      if (value === undefined) throw badRequest('unknown_variable', `The startup command uses {{${name}}}, which has no value`);
      return value;
    }),
  );
}

function splitArguments(template: string): string[] {
  const args: string[] = [];
  let current = '';
  let quote: '"' | "'" | null = null;
  let started = false;
  for (const ch of template) {
    if (quote) {
      if (ch === quote) quote = null;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += ch;
      started = true;
    }
  }
  if (quote) throw badRequest('invalid_startup', 'The startup command has an unclosed quote');
  if (started) args.push(current);
  if (args.length === 0) throw badRequest('invalid_startup', 'The startup command is empty');
  return args;
}
