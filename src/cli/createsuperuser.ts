// `manage createsuperuser`: Django's command, non-interactive with flags and
// prompting for what is missing when stdin is a terminal.
import { AccountService } from '../auth/accounts';
import { PasswordHasher } from '../auth/passwords';
import type { Orm } from '../db/orm';
import { AppError } from '../errors';
import { stringFlag, UsageError, type Flags } from './args';
import { ask } from './prompt';

export async function createSuperuser(orm: Orm, flags: Flags, interactive: boolean): Promise<string> {
  const need = async (name: string, question: string, hidden = false): Promise<string> => {
    const value = stringFlag(flags, name);
    if (value !== undefined) return value;
    if (!interactive) throw new UsageError(`--${name} is required when stdin is not a terminal`);
    return ask(question, { hidden });
  };
  const username = await need('username', 'Username: ');
  const email = await need('email', 'Email address: ');
  let password = await need('password', 'Password: ', true);
  if (stringFlag(flags, 'password') === undefined && interactive && password !== (await ask('Password (again): ', { hidden: true }))) {
    throw new UsageError('The passwords do not match.');
  }
  try {
    const user = await new AccountService(new PasswordHasher()).create(orm.em.fork(), {
      username,
      email,
      password,
      isStaff: true,
      isSuperuser: true,
      emailVerified: true,
    });
    return `Superuser "${user.username}" created (id ${user.id}).`;
  } catch (err) {
    if (err instanceof AppError) throw new UsageError(`${err.extensions.field ?? 'input'}: ${err.message}`);
    throw err;
  } finally {
    password = '';
  }
}
