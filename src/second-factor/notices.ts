// The mails that tell an account about its second factors: a change made
// with a stolen session must never go unnoticed. Sent in the background, so
// neither a slow nor a failing mail server changes the answer.
import type { Logger } from 'pino';
import type { User } from '../entities';
import { type Mailer, sendInBackground } from '../mail/mailer';
import { message } from '../mail/templates';

export type SecondFactorNotice =
  | { kind: 'totp_enabled' }
  | { kind: 'totp_disabled' }
  | { kind: 'recovery_codes_regenerated' }
  | { kind: 'recovery_codes_low'; left: number }
  | { kind: 'factors_reset' };

const IF_NOT_YOU = 'If it was not you, change your password now and contact support.';

function body(notice: SecondFactorNotice): [subject: string, lines: string[]] {
  switch (notice.kind) {
    case 'totp_enabled':
      return [
        'Two-step sign-in is on',
        ['An authenticator app was set up for your account: signing in now asks for its code.', 'Every other session was signed out.', IF_NOT_YOU],
      ];
    case 'totp_disabled':
      return ['Two-step sign-in is off', ['The authenticator app of your account was removed: signing in no longer asks for its code.', IF_NOT_YOU]];
    case 'recovery_codes_regenerated':
      return ['New recovery codes', ['New recovery codes were made for your account; the old ones no longer work.', IF_NOT_YOU]];
    case 'recovery_codes_low':
      return [
        'Few recovery codes left',
        [`A recovery code was used to sign in to your account; ${notice.left} left.`, 'Make new ones once you are signed in.', IF_NOT_YOU],
      ];
    case 'factors_reset':
      return [
        'Your second factors were reset',
        [
          'An administrator removed the second factors of your account: signing in asks only for your password now.',
          'Set up a new one once you are signed in.',
          IF_NOT_YOU,
        ],
      ];
  }
}

export class SecondFactorNotices {
  constructor(
    private readonly mailer: Mailer,
    private readonly logger: Logger,
  ) {}

  send(user: User, notice: SecondFactorNotice): void {
    if (!user.email) return;
    const [subject, lines] = body(notice);
    sendInBackground(this.mailer, this.logger, message(user.email, subject, [`Hello ${user.username},`, ...lines]));
  }
}
