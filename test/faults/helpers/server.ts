// The real server as a child process for a faults scenario: the same
// environment every time it is (re)started, what it logged at warn and above
// kept for the checks, and SIGKILL / SIGTERM on demand.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../helpers/process';
import { testEnv } from '../../helpers/server';

export interface FaultServer {
  url: string;
  child: ChildProcess;
  /** Lines at warn level and above, and anything on stderr. */
  problems: string[];
  exited: Promise<number | null>;
  /** ms from spawn to listening. */
  startMs: number;
  kill(): Promise<void>;
  stop(): Promise<number | null>;
}

export function faultEnv(databaseUrl: string, env: Record<string, string> = {}): NodeJS.ProcessEnv {
  // Not NODE_ENV=test: Apollo changes its signal handling under test, and these scenarios must see production's.
  return { ...process.env, ...testEnv({ NODE_ENV: 'development', LOG_LEVEL: 'info', ...env }, databaseUrl) } as NodeJS.ProcessEnv;
}

export async function startServer(env: NodeJS.ProcessEnv): Promise<FaultServer> {
  const started = Date.now();
  const child = spawn(process.execPath, [join(ROOT, 'dist/src/index.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // A test runner that dies (or times out) takes its servers with it.
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  void exited.then(() => process.removeListener('exit', orphanGuard));
  const problems: string[] = [];
  const early: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (c: string) => problems.push(c));
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines.filter(Boolean)) {
        if (early.length < 50) early.push(line);
        let entry: any;
        try {
          entry = JSON.parse(line);
        } catch {
          problems.push(line);
          continue;
        }
        if (entry.msg === 'authql is listening') resolve(entry.url);
        else if (entry.level >= 40) problems.push(line);
      }
    });
    child.once('exit', () => reject(new Error(`server exited early:\n${early.join('\n')}\n${problems.join('\n')}`)));
  });
  return {
    url,
    child,
    problems,
    exited,
    startMs: Date.now() - started,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Writes what the server logged at warn and above to FAULTS_LOG_DIR (for reading after a failure). */
export function keepLog(server: FaultServer, label: string): string {
  const dir = process.env.FAULTS_LOG_DIR || join(tmpdir(), 'authql-faults-logs');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${label.replace(/[^\w.-]+/g, '_').slice(0, 80)}.log`);
  writeFileSync(path, server.problems.join('\n'));
  return path;
}
