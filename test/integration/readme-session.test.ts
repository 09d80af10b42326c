// The README's "A first session", exactly as written there, pasted into an
// interactive bash and an interactive zsh (macOS's default shell) against a
// live server: every step must print a real answer, the signed-in ones
// included. The only thing changed is where it points: the block reads
// API=${API:-…}, and API is set to the test server.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer } from '../helpers/server';

const README = readFileSync(join(__dirname, '../../README.md'), 'utf8');

/** The first ```sh block after the "## A first session" heading, verbatim. */
export function firstSessionBlock(readme: string): string {
  const section = readme.slice(readme.indexOf('## A first session'));
  const block = /```sh\n([\s\S]*?)\n```/.exec(section)?.[1];
  if (!block) throw new Error('README.md has no ```sh block under "## A first session"');
  return block;
}

const SHELLS: Record<string, string[]> = {
  // Interactive, as a person pasting: no rc files, no history file.
  bash: ['--norc', '--noprofile', '-i'],
  zsh: ['-f', '-i'],
};

function paste(shell: string, block: string, api: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const home = mkdtempSync(join(tmpdir(), `authql-${shell}-`));
  const child = spawn(shell, SHELLS[shell], {
    env: { PATH: process.env.PATH, HOME: home, TERM: 'dumb', LANG: 'C.UTF-8', API: api },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.stdin.end(`${block}\nexit\n`);
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

/** Each numbered title the block echoes, with the JSON answer printed after it. */
function answers(stdout: string): Record<string, any> {
  const steps: Record<string, any> = {};
  let current: string | null = null;
  for (const line of stdout.split('\n')) {
    const title = /^(\d)\. /.exec(line);
    if (title) current = title[1];
    else if (current && line.startsWith('{')) steps[current] = JSON.parse(line);
  }
  return steps;
}

test.each(Object.keys(SHELLS))(
  "README's first session, pasted whole into %s",
  async (shell) => {
    for (const program of [shell, 'jq', 'curl']) {
      if (spawnSync(program, ['--version']).error)
        throw new Error(`${program} is not installed: apt-get install -y ${program} (.ci/run installs zsh and jq); this test does not skip`);
    }
    const server = await startTestServer();
    try {
      const { code, stdout, stderr } = await paste(shell, firstSessionBlock(README), server.url);
      expect(code).toBe(0);
      expect(stderr).not.toMatch(/command not found|not found:|parse error|syntax error|bad substitution|unexpected|no matches found/i);
      const steps = answers(stdout);
      expect(Object.keys(steps)).toEqual(['1', '2', '3', '4', '5']);
      for (const answer of Object.values(steps)) expect(answer.errors).toBeUndefined();

      expect(steps[1].data.register).toMatchObject({ token: expect.any(String), user: { username: 'alice' } });
      const login = steps[2].data.login;
      expect(login.token).toMatch(/^ey/);
      // Signed in: the list answers, and alice sees her own email in it.
      expect(steps[3].data.users).toMatchObject({ totalCount: 1, edges: [{ node: { username: 'alice', email: 'alice@example.com' } }] });
      const refreshed = steps[4].data.refreshToken;
      expect(refreshed.token).toMatch(/^ey/);
      expect(refreshed.refreshToken).not.toBe(login.refreshToken);
      expect(steps[5].data.verifyToken.payload).toMatchObject({ username: 'alice' });
    } finally {
      await server.stop();
    }
  },
  60_000,
);
