// The real server as a separate process (`node dist/src/index.js`), for the
// tests that must see signals, exits and several replicas.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '../..');

export interface ServerProcess {
  url: string;
  origin: string;
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

/** `nodeArgs` go before the script (a `-r` probe of the test's own). */
export async function spawnServer(env: NodeJS.ProcessEnv, nodeArgs: readonly string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'dist/src/index.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (c: string) => lines.push(c));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        lines.push(line);
        if (line.includes('"authql is listening"')) resolve(JSON.parse(line).url);
      }
    });
    child.once('exit', () => reject(new Error(`server exited early:\n${lines.join('\n')}`)));
  });
  return {
    url,
    origin: new URL(url).origin,
    child,
    lines,
    exited,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** A GraphQL call to a server process. */
export async function gqlAt(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<any> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `JWT ${token}`;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return res.json();
}
