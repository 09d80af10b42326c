// A real SMTP server on 127.0.0.1 (port 0) that keeps every message it gets,
// parsed, so tests can read the links authql mails.

import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
}

export interface FakeSmtp {
  url: string;
  messages: CapturedMail[];
  /** Connection errors (e.g. ECONNRESET of a client cut off mid-message). */
  errors: Error[];
  /** Resolves with the first message matching, waiting up to `ms` for it. */
  waitFor(match: (m: CapturedMail) => boolean, ms?: number): Promise<CapturedMail>;
  /** Makes the server refuse every message (a broken mail server). */
  failing: boolean;
  stop(): Promise<void>;
}

export async function startFakeSmtp(): Promise<FakeSmtp> {
  const messages: CapturedMail[] = [];
  const state = { failing: false };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      if (state.failing) {
        stream.resume();
        stream.on('end', () => callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 })));
        return;
      }
      simpleParser(stream)
        .then((parsed) => {
          const to = Array.isArray(parsed.to) ? parsed.to[0]?.text : parsed.to?.text;
          messages.push({
            to: to ?? '',
            from: parsed.from?.text ?? '',
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
          });
          callback();
        })
        .catch(callback);
    },
  });
  // A client cut off mid-message (a server killed or exiting while it sends) is reset: smtp-server
  // emits that on the server, and with no listener the test process would die of it.
  const errors: Error[] = [];
  server.on('error', (err: Error) => errors.push(err));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    errors,
    get failing() {
      return state.failing;
    },
    set failing(v: boolean) {
      state.failing = v;
    },
    async waitFor(match, ms = 5000) {
      const end = Date.now() + ms;
      for (;;) {
        const found = messages.find(match);
        if (found) return found;
        if (Date.now() > end) throw new Error(`no matching mail within ${ms} ms; got: ${messages.map((m) => `${m.to}: ${m.subject}`).join(', ')}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The token from a link in a mail body (`...?token=<token>`). */
export function tokenFrom(mail: CapturedMail): string {
  const m = /token=([^\s&"<]+)/.exec(mail.text);
  if (!m) throw new Error(`no token link in mail: ${mail.text}`);
  return decodeURIComponent(m[1]);
}
