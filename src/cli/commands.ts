// Every manage command in one table: its flags (parsed strictly), its help,
// and what it runs. manage.ts dispatches; adding a command is one entry here.
import type { Config } from '../config';
import { migrate } from '../db/migrate';
import type { Orm } from '../db/orm';
import type { Flags, OptionSpecs } from './args';
import { cleanupCommand } from './cleanup';
import { CREATESUPERUSER_OPTIONS, createSuperuser } from './createsuperuser';
import { importDjangoCommand } from './import-django';
import type { Prompter } from './prompt';
import {
  SOCIALAPP_ADD_OPTIONS,
  SOCIALAPP_REMOVE_OPTIONS,
  SOCIALAPP_UPDATE_OPTIONS,
  socialAppAdd,
  socialAppList,
  socialAppRemove,
  socialAppUpdate,
} from './socialapp';
import { WEBHOOK_ADD_OPTIONS, WEBHOOK_REMOVE_OPTIONS, webhookAdd, webhookList, webhookRemove } from './webhook';

export interface CommandIo {
  orm: Orm;
  config: Config;
  flags: Flags;
  /** Set when a person is at the terminal (stdin is a TTY). */
  prompter: Prompter | null;
  /** Progress for the person, on stderr (stdout carries the result). */
  progress(line: string): void;
}

export interface Command {
  name: string;
  /** The flags as written in the usage line. */
  synopsis: string;
  /** What it does; the first line is the summary in the command list. */
  help: string;
  options: OptionSpecs;
  /** False for `migrate` itself: every other command applies pending migrations first (unless AUTO_MIGRATE=false). */
  migrateFirst: boolean;
  /** A command that changes data and does not audit itself: manage writes a cli.command row after it succeeds. */
  audited?: true;
  run(io: CommandIo): Promise<string>;
}

export const COMMANDS: readonly Command[] = [
  {
    name: 'migrate',
    synopsis: '',
    help: 'apply pending database migrations',
    options: {},
    migrateFirst: false,
    run: async ({ orm }) => {
      const applied = await migrate(orm);
      return applied.length ? `Applied ${applied.map((m) => m.name).join(', ')}.` : 'No migrations to apply.';
    },
  },
  {
    name: 'createsuperuser',
    synopsis: '[--username U] [--email E] [--password P]',
    help: 'create a staff superuser\non a terminal, asks for what is missing (the password twice, without echo) and asks again after a refused answer;\notherwise every flag is required. A --password flag stays in your shell history: prefer the prompt.',
    options: CREATESUPERUSER_OPTIONS,
    migrateFirst: true,
    run: ({ orm, flags, prompter }) => createSuperuser(orm, flags, prompter),
  },
  {
    name: 'socialapp:add',
    synopsis: '--provider P --name N --client-id C [--extra-client-ids C2,C3] [--secret S] [--key K]',
    help: 'register a provider app (kakao, facebook, google, apple, naver or line)\nKakao: --key is the numeric App ID. Facebook: --client-id is the App ID, --secret the App Secret.\nGoogle, Apple, Kakao: ID tokens may be addressed to --client-id or any of --extra-client-ids.',
    options: SOCIALAPP_ADD_OPTIONS,
    migrateFirst: true,
    audited: true,
    run: ({ orm, flags }) => socialAppAdd(orm, flags),
  },
  {
    name: 'socialapp:update',
    synopsis: '--id X | --provider P  [--name N] [--client-id C] [--extra-client-ids C2,C3] [--secret S] [--key K]',
    help: "change a provider app\nflags not given keep their stored value; --extra-client-ids replaces the whole list ('' empties it), --secret '' removes the secret.",
    options: SOCIALAPP_UPDATE_OPTIONS,
    migrateFirst: true,
    audited: true,
    run: ({ orm, flags }) => socialAppUpdate(orm, flags),
  },
  {
    name: 'socialapp:list',
    synopsis: '',
    help: 'list provider apps (secrets are never shown)',
    options: {},
    migrateFirst: true,
    run: ({ orm }) => socialAppList(orm),
  },
  {
    name: 'socialapp:remove',
    synopsis: '--id X | --provider P [--name N]',
    help: 'remove a provider app',
    options: SOCIALAPP_REMOVE_OPTIONS,
    migrateFirst: true,
    audited: true,
    run: ({ orm, flags }) => socialAppRemove(orm, flags),
  },
  {
    name: 'webhook:add',
    synopsis: '--url U --events E1,E2|* [--description D]',
    help: 'add a webhook endpoint; prints its signing secret (whsec_…) once\nevents: see the README list, or * for all.',
    options: WEBHOOK_ADD_OPTIONS,
    migrateFirst: true,
    run: ({ orm, config, flags }) => webhookAdd(orm, config, flags),
  },
  {
    name: 'webhook:list',
    synopsis: '',
    help: 'list webhook endpoints (secrets are never shown)',
    options: {},
    migrateFirst: true,
    run: ({ orm, config }) => webhookList(orm, config),
  },
  {
    name: 'webhook:remove',
    synopsis: '--id X',
    help: 'remove a webhook endpoint and its deliveries',
    options: WEBHOOK_REMOVE_OPTIONS,
    migrateFirst: true,
    run: ({ orm, config, flags }) => webhookRemove(orm, config, flags),
  },
  {
    name: 'import-django',
    synopsis: '--database <sqlite path | postgres://…>',
    help: 'import users, email addresses, social apps and accounts from a Django + allauth database\nidempotent, and all or nothing; progress on stderr, the summary on stdout.',
    options: { database: { type: 'string' } },
    migrateFirst: true,
    audited: true,
    run: ({ orm, flags, progress }) => importDjangoCommand(orm, flags, progress),
  },
  {
    name: 'cleanup',
    synopsis: '',
    help: 'purge ended sessions, their refresh tokens and used or expired one-time tokens older than CLEANUP_RETENTION\nwhat the server sweeps every CLEANUP_INTERVAL; for a cron job when the servers run with CLEANUP_INTERVAL=0.',
    options: {},
    migrateFirst: true,
    run: ({ orm, config }) => cleanupCommand(orm, config),
  },
];

const INDENT = ' '.repeat(4);

export function usage(): string {
  const list = COMMANDS.map((c) => `  ${`${c.name} ${c.synopsis}`.trimEnd()}\n${INDENT}${c.help.split('\n')[0]}`).join('\n');
  return `Usage: npm run manage -- <command> [flags]\n\nCommands:\n${list}\n\nnpm run manage -- <command> --help shows one command's flags. The database is DATABASE_URL's, as for the server.\n`;
}

export function commandUsage(c: Command): string {
  return `Usage: npm run manage -- ${`${c.name} ${c.synopsis}`.trimEnd()}\n\n${c.help
    .split('\n')
    .map((l) => `${INDENT}${l}`)
    .join('\n')}\n`;
}
