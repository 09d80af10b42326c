// `npm run manage -- <command>`: operator commands run against the database
// named by DATABASE_URL (the same configuration as the server). Exit codes:
// 0 done (and --help), 1 the command refused or failed, 2 the command line
// is wrong (unknown command or flag, a flag without its value).
import 'reflect-metadata';
import { AuditLog } from '../audit/audit-log';
import { ConfigError, loadConfig } from '../config';
import { openOrm } from '../db/orm';
import { CommandLineError, parseFlags, UsageError } from './args';
import { cliFork } from './cli-scope';
import { COMMANDS, commandUsage, usage } from './commands';
import { terminalPrompter } from './prompt';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(usage());
    return 2;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    const command = COMMANDS.find((c) => c.name === rest[0]);
    process.stdout.write(command ? commandUsage(command) : usage());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new CommandLineError(`Unknown command "${name}".\n\n${usage()}`);
  const { flags, help } = parseFlags(command.name, rest, command.options);
  if (help) {
    process.stdout.write(commandUsage(command));
    return 0;
  }
  const config = loadConfig(process.env);
  const orm = await openOrm(config.databaseUrl, { migrate: command.migrateFirst && config.autoMigrate });
  const prompter = process.stdin.isTTY ? terminalPrompter() : null;
  try {
    console.log(await command.run({ orm, config, flags, prompter, progress: (line) => console.error(line) }));
    if (command.audited) {
      const audit = new AuditLog();
      const detail = { command: command.name, flags: Object.keys(flags) };
      await audit.recordAlone(cliFork(orm), { action: 'cli.command', userId: null, detail });
    }
    return 0;
  } finally {
    prompter?.close();
    await orm.close(true);
  }
}

// `manage … | head` closes the pipe early: that is not a failure.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof CommandLineError) {
      console.error(err.message);
      process.exit(2);
    }
    if (err instanceof UsageError || err instanceof ConfigError) console.error(err.message);
    else console.error('manage failed:', err);
    process.exit(1);
  },
);
