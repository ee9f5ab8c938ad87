import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, loadConfig } from './kernel/config.js';
import { describeDatabase, redactUrl } from './kernel/database.js';
import { CORE_MIGRATIONS, Kernel } from './kernel/kernel.js';
import { createLogger } from './kernel/logger.js';
import { migrationStatus } from './kernel/migrations.js';
import { coreModules } from './modules/index.js';
import { PluginTemplateError, writePluginTemplate } from './plugin-template.js';

const USAGE = `Usage: npm run cli -- <command>

Commands:
  migrate             apply pending migrations (core, then each plugin)
  migrate:status      list applied and pending migrations
  plugin list         list the plugins this install would load, with their state
  plugin:new NAME [--dir PATH]
                      write a new plugin (route, migration, key, hook tap, event, job, UI, test)
                      into PATH (default: ./conductor-plugin-NAME)
  config check        validate the configuration and print it (secrets hidden)
  user:create --email E --password P [--admin]
                      create an account (its email counts as verified); --admin for an administrator
  help                this text`;

type Options = { email?: string; password?: string; admin?: boolean; dir?: string };
type Command = (kernel: () => Kernel, args: string[], options: Options) => Promise<number>;

const userInput = z.object({
  email: z.email({ error: 'expected an email address' }).max(320),
  password: z.string({ error: 'expected --password' }).min(10, { error: 'use at least 10 characters' }).max(256),
});

const commands: Record<string, Command> = {
  async migrate(kernel) {
    const k = kernel();
    try {
      await k.prepare({ migrate: true });
      const failed = k.plugins.list().filter((p) => p.state === 'failed');
      for (const p of failed) console.error(`plugin ${p.name}: ${p.error?.phase} failed: ${p.error?.message}`);
      console.log(failed.length ? 'Migrations applied, except for the failed plugins above.' : 'Migrations are up to date.');
      return failed.length ? 1 : 0;
    } finally {
      await k.stop();
    }
  },
  async 'migrate:status'(kernel) {
    const k = kernel();
    try {
      await k.prepare({ migrate: false });
      const core = await migrationStatus(k.db, { owner: 'core', directory: CORE_MIGRATIONS });
      print('core', core);
      return 0;
    } finally {
      await k.stop();
    }
  },
  async plugin(kernel, args) {
    if (args[0] !== 'list') {
      console.error(`Unknown plugin command "${args[0] ?? ''}". Try: plugin list`);
      return 2;
    }
    const k = kernel();
    try {
      await k.prepare({ migrate: false });
      const rows = k.plugins.list();
      const width = Math.max(4, ...rows.map((r) => r.name.length));
      console.log(`${'NAME'.padEnd(width)}  VERSION   STATE       SOURCE`);
      for (const r of rows) {
        console.log(
          `${r.name.padEnd(width)}  ${r.version.padEnd(8)}  ${r.state.padEnd(10)}  ${r.source}${r.error ? `  (${r.error.phase}: ${r.error.message})` : ''}`,
        );
      }
      return 0;
    } finally {
      await k.stop();
    }
  },
  async 'plugin:new'(_kernel, args, options) {
    const name = args[0];
    if (!name) {
      console.error('Usage: npm run cli -- plugin:new NAME [--dir PATH]');
      return 2;
    }
    // npm run starts the CLI in the repository; INIT_CWD is where the person typed the command.
    const dir = path.resolve(process.env.INIT_CWD ?? process.cwd(), options.dir ?? `conductor-plugin-${name}`);
    try {
      const files = writePluginTemplate(name, dir);
      console.log(
        `Wrote the plugin ${name} to ${dir}:\n${files.map((f) => `  ${f}`).join('\n')}\nNext: cd ${dir} && npm install && npm test (docs/plugins.md).`,
      );
      return 0;
    } catch (err) {
      if (!(err instanceof PluginTemplateError)) throw err;
      console.error(err.message);
      return 2;
    }
  },
  async 'user:create'(kernel, _args, options) {
    const parsed = userInput.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      console.error(
        `--${String(issue.path[0])}: ${issue.message}\nUsage: npm run cli -- user:create --email you@example.com --password <password> [--admin]`,
      );
      return 2;
    }
    const k = kernel();
    try {
      await k.prepare({ migrate: true });
      if (!k.plugins.isActive('auth')) {
        console.error(`The accounts module is not running: ${k.plugins.get('auth')?.error?.message ?? 'disabled'}`);
        return 1;
      }
      const role = options.admin ? 'admin' : 'user';
      try {
        const user = await k
          .containerOf('auth')
          .cradle.accountService.createUser({ ...parsed.data, role, emailVerified: true }, { ip: null, userAgent: 'cli' });
        console.log(
          `Created ${role} ${user.email} (${user.id}). Sign in at ${k.config.PUBLIC_URL ?? 'the panel'} with POST /api/auth/login.`,
        );
        return 0;
      } catch (err) {
        if ((err as { code?: string }).code === 'email_taken') {
          console.error(`An account with the email ${parsed.data.email} already exists.`);
          return 1;
        }
        throw err;
      }
    } finally {
      await k.stop();
    }
  },
  async config(_kernel, args) {
    if (args[0] !== 'check') {
      console.error(`Unknown config command "${args[0] ?? ''}". Try: config check`);
      return 2;
    }
    const config = loadConfig();
    const hidden = (v: string | undefined) => (v ? '(set)' : undefined);
    const shown = {
      ...config,
      ADMIN_TOKEN: hidden(config.ADMIN_TOKEN),
      SECRET_KEY: hidden(config.SECRET_KEY),
      SMTP_PASS: hidden(config.SMTP_PASS),
      DATABASE_URL: config.DATABASE_URL && redactUrl(config.DATABASE_URL),
    };
    console.log(JSON.stringify(shown, null, 2));
    return 0;
  },
};

function print(owner: string, status: { applied: string[]; pending: string[] }): void {
  console.log(`${owner}: ${status.applied.length} applied, ${status.pending.length} pending`);
  for (const name of status.pending) console.log(`  pending  ${name}`);
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    strict: false,
    options: { email: { type: 'string' }, password: { type: 'string' }, admin: { type: 'boolean' }, dir: { type: 'string' } },
  });
  const [name, ...rest] = positionals;
  if (!name || name === 'help' || name === '--help') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${USAGE}`);
    return 2;
  }
  const kernel = () => {
    const config = loadConfig();
    // On stderr, so stdout stays the command's own answer for scripts that read it.
    console.error(`Database: ${describeDatabase(config)}`);
    return new Kernel({ config, plugins: coreModules, discover: true, logger: createLogger({ ...config, LOG_LEVEL: 'warn' }) });
  };
  const options: Options = {
    email: typeof values.email === 'string' ? values.email : undefined,
    password: typeof values.password === 'string' ? values.password : undefined,
    admin: values.admin === true,
    dir: typeof values.dir === 'string' ? values.dir : undefined,
  };
  return command(kernel, rest, options);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : `Error: ${(err as Error).message}`);
    process.exit(1);
  },
);
