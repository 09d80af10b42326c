// Interactive questions for createsuperuser when flags are missing and a
// person is at the terminal; the password is read without echo.
import { createInterface } from 'node:readline';

export function ask(question: string, opts: { hidden?: boolean } = {}): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    if (opts.hidden) {
      // Replace what readline echoes with nothing while the answer is typed.
      const rlAny = rl as unknown as { _writeToOutput: (s: string) => void };
      rlAny._writeToOutput = (s: string) => {
        if (s.startsWith(question)) process.stdout.write(question);
      };
    }
    rl.question(question, (answer) => {
      rl.close();
      if (opts.hidden) process.stdout.write('\n');
      resolve(answer);
    });
  });
}
