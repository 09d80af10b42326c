// `manage createsuperuser`: Django's command. Non-interactive with flags;
// on a terminal it asks for what is missing and, like Django, asks again
// after a refused answer (a taken username, a weak password, a mismatch)
// instead of exiting. A flag that is refused ends the command.
import { AccountStore } from '../accounts/accounts';
import { passwordProblem } from '../accounts/password-rules';
import { PasswordHasher } from '../accounts/passwords';
import { AuditLog } from '../audit/audit-log';
import type { Orm } from '../db/orm';
import { AppError } from '../errors';
import { Outbox } from '../events/outbox';
import { type Flags, stringFlag, UsageError } from './args';
import { cliFork } from './cli-scope';
import type { Prompter } from './prompt';

type Field = 'username' | 'email' | 'password';
const QUESTIONS: Record<Field, string> = { username: 'Username: ', email: 'Email address: ', password: 'Password: ' };

export const CREATESUPERUSER_OPTIONS = { username: { type: 'string' }, email: { type: 'string' }, password: { type: 'string' } } as const;

export async function createSuperuser(orm: Orm, flags: Flags, prompter: Prompter | null): Promise<string> {
  const given: Partial<Record<Field, string>> = {};
  for (const field of ['username', 'email', 'password'] as const) {
    const value = stringFlag(flags, field);
    if (value !== undefined) given[field] = value;
    else if (!prompter) throw new UsageError(`--${field} is required when stdin is not a terminal`);
  }
  const values = { ...given };
  const accounts = new AccountStore(new PasswordHasher(), new Outbox());
  const audit = new AuditLog();
  // Only reached without a flag when there is a terminal to ask (checked above).
  const ask = (): Prompter => {
    if (!prompter) throw new UsageError('no terminal to ask on');
    return prompter;
  };
  for (;;) {
    values.username ??= await ask().ask(QUESTIONS.username);
    values.email ??= await ask().ask(QUESTIONS.email);
    values.password ??= await askPassword(ask(), values.username, values.email);
    const { username, email, password } = values;
    try {
      const user = await accounts.create(cliFork(orm), {
        username,
        email,
        password,
        isStaff: true,
        isSuperuser: true,
        emailVerified: true,
        via: 'cli',
        written: (tx, created) => audit.record(tx, { action: 'cli.superuser_created', userId: created.id }),
      });
      return `Superuser "${user.username}" created (id ${user.id}).`;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const field = (err.extensions.field as Field | undefined) ?? 'username';
      if (!prompter || given[field] !== undefined) throw new UsageError(`${field}: ${err.message}`);
      prompter.say(`Error: ${err.message}`);
      delete values[field];
    }
  }
}

/** Asks until two entries match and pass the password rules. */
async function askPassword(prompter: Prompter, username: string, email: string): Promise<string> {
  for (;;) {
    const password = await prompter.ask(QUESTIONS.password, { hidden: true });
    if (password !== (await prompter.ask('Password (again): ', { hidden: true }))) {
      prompter.say('Error: the two passwords differ. Try again.');
      continue;
    }
    const problem = passwordProblem(password, [username, email.split('@')[0]]);
    if (!problem) return password;
    prompter.say(`Error: ${problem}`);
  }
}
