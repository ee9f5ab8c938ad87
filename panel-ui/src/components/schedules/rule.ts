/** The builder's rule: a preset the API knows, or a cron expression. */
export interface RuleForm {
  kind: 'hourly' | 'daily' | 'weekly' | 'cron';
  minute: number;
  time: string;
  weekday: number;
  cron: string;
}

const pad = (n: string) => n.padStart(2, '0');

/** The preset a stored cron was made from, when it has one's shape; else the cron itself. */
export function ruleFromCron(cron: string): RuleForm {
  const [minute = '0', hour = '*', dom, month, dow = '*'] = cron.split(' ');
  const rest = dom === '*' && month === '*' && /^\d+$/.test(minute);
  const base = { minute: Number(minute) || 0, time: '04:00', weekday: 0, cron };
  if (rest && hour === '*' && dow === '*') return { ...base, kind: 'hourly' };
  if (rest && /^\d+$/.test(hour) && dow === '*') return { ...base, kind: 'daily', time: `${pad(hour)}:${pad(minute)}` };
  if (rest && /^\d+$/.test(hour) && /^[0-6]$/.test(dow))
    return { ...base, kind: 'weekly', time: `${pad(hour)}:${pad(minute)}`, weekday: Number(dow) };
  return { ...base, kind: 'cron' };
}

/** The rule as the API takes it: `preset` or `cron`. */
export function ruleBody(r: RuleForm): { preset?: Record<string, unknown>; cron?: string } {
  if (r.kind === 'cron') return { cron: r.cron };
  if (r.kind === 'hourly') return { preset: { kind: 'hourly', minute: Number(r.minute) } };
  if (r.kind === 'daily') return { preset: { kind: 'daily', time: r.time } };
  return { preset: { kind: 'weekly', weekday: Number(r.weekday), time: r.time } };
}
