import { badRequest } from '../../kernel/errors.js';
import { variableValue } from '../../protocol/server-spec.js';
import type { Template, VariableRules } from './schema.js';

/**
 * Converts Pterodactyl's Laravel rule strings ("required|string|max:20", "regex:/^x$/",
 * "in:a,b", "between:1,100", "numeric", "boolean") into structured rules. Rules Conductor does not
 * know are reported, not silently dropped.
 */
export function parseLaravelRules(rules: string): { rules: VariableRules; unknown: string[] } {
  const out: VariableRules = { required: false, type: 'string' };
  const unknown: string[] = [];
  // A regex may contain '|': take it out before splitting.
  let rest = rules;
  const regex = /(?:^|\|)regex:(\/.*\/[a-z]*)(?=\||$)/.exec(rules);
  if (regex) {
    const literal = regex[1]!;
    const source = literal.slice(1, literal.lastIndexOf('/'));
    out.pattern = source;
    rest = rules.replace(`regex:${literal}`, '');
  }
  for (const part of rest
    .split('|')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, arg = ''] = part.split(/:(.*)/s, 2) as [string, string?];
    switch (name) {
      case 'required':
        out.required = true;
        break;
      case 'nullable':
      case 'sometimes':
      case 'present':
        break;
      case 'string':
      case 'alpha_dash':
      case 'alpha_num':
        out.type = out.type === 'string' ? 'string' : out.type;
        if (name === 'alpha_dash') out.pattern ??= '^[A-Za-z0-9_-]*$';
        if (name === 'alpha_num') out.pattern ??= '^[A-Za-z0-9]*$';
        break;
      case 'integer':
        out.type = 'integer';
        break;
      case 'numeric':
        out.type = out.type === 'integer' ? 'integer' : 'number';
        break;
      case 'boolean':
        out.type = 'boolean';
        break;
      case 'min':
        out.min = Number(arg);
        break;
      case 'max':
        out.max = Number(arg);
        break;
      case 'between': {
        const [lo, hi] = arg.split(',').map(Number);
        out.min = lo;
        out.max = hi;
        break;
      }
      case 'in':
        out.oneOf = arg.split(',').map((v) => v.trim());
        break;
      default:
        unknown.push(part);
    }
  }
  return { rules: out, unknown };
}

/**
 * The values a server gets: defaults for what the user did not set, each checked against its
 * rules and against what may reach a command line. Non-editable variables keep their defaults.
 */
export function resolveVariables(template: Template, given: Record<string, string>, options: { asAdmin: boolean }): Record<string, string> {
  const known = new Map(template.variables.map((v) => [v.env, v]));
  const issues: Array<{ path: string; message: string }> = [];
  for (const key of Object.keys(given)) {
    const variable = known.get(key);
    if (!variable) issues.push({ path: `variables.${key}`, message: 'is not a variable of this template' });
    else if (!variable.userEditable && !options.asAdmin)
      issues.push({ path: `variables.${key}`, message: 'may only be changed by an administrator' });
  }
  const values: Record<string, string> = {};
  for (const variable of template.variables) {
    const value = given[variable.env] ?? variable.default;
    const problem = checkValue(value, variable.rules);
    if (problem) issues.push({ path: `variables.${variable.env}`, message: problem });
    else {
      const safe = variableValue.safeParse(value);
      if (!safe.success) issues.push({ path: `variables.${variable.env}`, message: safe.error.issues[0]!.message });
    }
    values[variable.env] = value;
  }
  if (issues.length) throw badRequest('invalid_variables', `${issues[0]!.path} ${issues[0]!.message}`, issues);
  return values;
}

function checkValue(value: string, rules: VariableRules): string | null {
  if (value === '') return rules.required ? 'is required' : null;
  if (rules.type === 'integer' && !/^-?\d+$/.test(value)) return 'must be a whole number';
  if (rules.type === 'number' && !/^-?\d+(\.\d+)?$/.test(value)) return 'must be a number';
  if (rules.type === 'boolean' && !/^(true|false|0|1)$/.test(value)) return 'must be true or false';
  const numeric = rules.type === 'integer' || rules.type === 'number';
  const size = numeric ? Number(value) : value.length;
  if (rules.min !== undefined && size < rules.min)
    return numeric ? `must be at least ${rules.min}` : `must be at least ${rules.min} characters`;
  if (rules.max !== undefined && size > rules.max)
    return numeric ? `must be at most ${rules.max}` : `must be at most ${rules.max} characters`;
  if (rules.oneOf && !rules.oneOf.includes(value)) return `must be one of ${rules.oneOf.join(', ')}`;
  if (rules.pattern) {
    let re: RegExp;
    try {
      re = new RegExp(rules.pattern);
    } catch {
      return 'cannot be checked: the template has an invalid pattern';
    }
    if (!re.test(value)) return `does not match ${rules.pattern}`;
  }
  return null;
}
