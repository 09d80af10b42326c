// For a test file: one fake SMTP server, and test servers started on demand
// that mail through it; all stopped after the file.
import type { Env } from '../../src/config';
import { startTestServer, type TestServer } from './server';
import { type FakeSmtp, startFakeSmtp } from './smtp';

export interface MailServers {
  readonly smtp: FakeSmtp;
  readonly servers: TestServer[];
  start(env?: Env): Promise<TestServer>;
}

export function useMailServers(base: Env = {}): MailServers {
  let smtp: FakeSmtp | undefined;
  const servers: TestServer[] = [];
  beforeAll(async () => {
    smtp = await startFakeSmtp();
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await smtp?.stop();
  });
  return {
    get smtp() {
      if (!smtp) throw new Error('useMailServers: the SMTP server starts in beforeAll');
      return smtp;
    },
    servers,
    async start(env = {}) {
      const s = await startTestServer({ SMTP_URL: this.smtp.url, ...base, ...env });
      servers.push(s);
      return s;
    },
  };
}
