// `npm run manage -- <command>`: operator commands run against the database
// named by DATABASE_URL (the same configuration as the server).
import 'reflect-metadata';
import { loadConfig, ConfigError } from '../config';
import { openOrm } from '../db/orm';
import { parseFlags, UsageError } from './args';
import { CLEANUP_USAGE, cleanupCommand } from './cleanup';
import { createSuperuser } from './createsuperuser';
import { IMPORT_DJANGO_USAGE, importDjangoCommand } from './import-django';
import { SOCIALAPP_USAGE, socialAppAdd, socialAppList, socialAppRemove } from './socialapp';

const USAGE = `Usage: npm run manage -- <command> [flags]

Commands:
  migrate                                     apply pending database migrations
  createsuperuser --username U --email E --password P
                                              create a staff superuser (prompts for missing flags on a terminal)
${SOCIALAPP_USAGE}${IMPORT_DJANGO_USAGE}${CLEANUP_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const { positional, flags } = parseFlags(argv);
  const [command] = positional;
  if (!command || command === 'help' || flags.help) {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  const config = loadConfig(process.env);
  const orm = await openOrm(config.databaseUrl, { migrate: false });
  try {
    switch (command) {
      case 'migrate': {
        const applied = await orm.getMigrator().up();
        console.log(applied.length ? `Applied ${applied.map((m) => m.name).join(', ')}.` : 'No migrations to apply.');
        return 0;
      }
      case 'createsuperuser': {
        if (config.autoMigrate) await orm.getMigrator().up();
        console.log(await createSuperuser(orm, flags, Boolean(process.stdin.isTTY)));
        return 0;
      }
      case 'socialapp:add':
      case 'socialapp:list':
      case 'socialapp:remove': {
        if (config.autoMigrate) await orm.getMigrator().up();
        const run = { 'socialapp:add': socialAppAdd, 'socialapp:list': socialAppList, 'socialapp:remove': socialAppRemove }[command];
        console.log(await run(orm, flags));
        return 0;
      }
      case 'import-django': {
        if (config.autoMigrate) await orm.getMigrator().up();
        // Progress goes to stderr so stdout carries only the summary.
        console.log(await importDjangoCommand(orm, flags, (line) => console.error(line)));
        return 0;
      }
      case 'cleanup': {
        if (config.autoMigrate) await orm.getMigrator().up();
        console.log(await cleanupCommand(orm, config));
        return 0;
      }
      default:
        throw new UsageError(`Unknown command "${command}".\n\n${USAGE}`);
    }
  } finally {
    await orm.close(true);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError || err instanceof ConfigError) console.error(err.message);
    else console.error('manage failed:', err);
    process.exit(1);
  },
);
