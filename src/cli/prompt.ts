// Questions for a person at the terminal (createsuperuser without flags). One
// readline interface for the whole conversation, so typed-ahead answers are
// not lost between questions; passwords are read without echo. Ctrl-C or
// Ctrl-D ends the command instead of leaving it waiting.
import { createInterface } from 'node:readline';
import { UsageError } from './args';

export interface Prompter {
  ask(question: string, opts?: { hidden?: boolean }): Promise<string>;
  /** A line for the person (an error to fix before the next answer). */
  say(line: string): void;
  close(): void;
}

export function terminalPrompter(): Prompter {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  let muted: string | null = null;
  let cancel: ((err: Error) => void) | undefined;
  // readline writes the prompt and what is typed through this method: while
  // a password is asked, only the prompt itself reaches the screen.
  const internals = rl as unknown as { _writeToOutput(text: string): void };
  const echo = internals._writeToOutput.bind(rl);
  internals._writeToOutput = (text) => {
    if (muted === null) echo(text);
    else if (text.startsWith(muted)) echo(muted);
  };
  rl.on('SIGINT', () => {
    process.stdout.write('\n');
    process.exit(130);
  });
  rl.on('close', () => cancel?.(new UsageError('No answer (input closed); nothing was created.')));
  return {
    ask: (question, opts = {}) =>
      new Promise((resolve, reject) => {
        cancel = reject;
        muted = opts.hidden ? question : null;
        rl.question(question, (answer) => {
          cancel = undefined;
          // The Enter of a hidden answer was not echoed either.
          if (muted !== null) process.stdout.write('\n');
          muted = null;
          resolve(answer);
        });
      }),
    say: (line) => process.stdout.write(`${line}\n`),
    close: () => {
      cancel = undefined;
      rl.close();
    },
  };
}
