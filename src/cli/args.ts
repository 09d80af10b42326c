// Command-line flags for the manage commands: node's util.parseArgs in strict
// mode, so a misspelt flag (`--secrt`) is an error instead of being ignored.
import { parseArgs } from 'node:util';

export type Flags = Record<string, string | true>;
export type OptionSpecs = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** The command ran and refused (bad input, nothing matched): exit 1. */
export class UsageError extends Error {}

/** The command line itself is wrong (unknown command or flag, a missing value): exit 2. */
export class CommandLineError extends Error {}

export function stringFlag(flags: Flags, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

/** Parses `argv` against the command's flags (plus --help/-h); throws CommandLineError naming the problem. */
export function parseFlags(command: string, argv: string[], options: OptionSpecs): { flags: Flags; help: boolean } {
  try {
    const { values } = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false });
    const flags: Flags = {};
    for (const [name, value] of Object.entries(values)) if (name !== 'help' && value !== undefined && value !== false) flags[name] = value;
    return { flags, help: values.help === true };
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    const unknown = /^Unknown option '--?([^']+)'/.exec(message)?.[1];
    const near = unknown ? nearest(unknown, Object.keys(options)) : undefined;
    const hint = near ? ` (did you mean --${near}?)` : '';
    throw new CommandLineError(`${command}: ${message}${hint}. See: npm run manage -- ${command} --help`);
  }
}

/** The known flag within two edits of a misspelt one, if any. */
function nearest(word: string, known: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(word, name);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}
