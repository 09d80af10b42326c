// Human log lines for a developer's terminal: pino still serialises (and
// redacts) every record as JSON; this stream turns each line into
// `12:03:04 INFO  message  key=value …`, with warnings and errors in colour
// so the few that matter stand out. Production and pipes keep the JSON.
import type { DestinationStream } from 'pino';

const LEVELS: Record<number, { name: string; color: string }> = {
  10: { name: 'TRACE', color: '90' },
  20: { name: 'DEBUG', color: '90' },
  30: { name: 'INFO ', color: '36' },
  40: { name: 'WARN ', color: '30;43' },
  50: { name: 'ERROR', color: '97;41' },
  60: { name: 'FATAL', color: '97;41' },
};
const HIDDEN = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname']);
const REQUEST_FIELDS = ['method', 'path', 'status', 'operation', 'durationMs'];

export function prettyDestination(out: { write(text: string): unknown }, color: boolean): DestinationStream {
  const paint = (code: string, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  return {
    write(line: string) {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      out.write(`${formatRecord(record, paint)}\n`);
    },
  };
}

export function formatRecord(record: Record<string, unknown>, paint: (code: string, text: string) => string = (_c, t) => t): string {
  const level = LEVELS[Number(record.level)] ?? LEVELS[30];
  const time = new Date(Number(record.time) || Date.now()).toTimeString().slice(0, 8);
  const fields = { ...record };
  let message = String(record.msg ?? '');
  // One request, one readable line: `POST /graphql 200 mutation:login 41.2 ms`.
  if (message === 'request' && 'method' in record) {
    const op = record.operation && record.operation !== record.path ? ` ${String(record.operation)}` : '';
    message = `${String(record.method)} ${String(record.path)} ${String(record.status)}${op} ${String(record.durationMs)} ms`;
    for (const f of REQUEST_FIELDS) delete fields[f];
  }
  let stack = '';
  const extras = Object.entries(fields)
    .filter(([key, value]) => !HIDDEN.has(key) && value !== null && value !== undefined)
    .map(([key, value]) => {
      if (key === 'err' && errorLike(value)) {
        if (typeof value.stack === 'string') stack = `\n${indent(value.stack)}`;
        return `err=${JSON.stringify(value.message)}`;
      }
      return `${key}=${typeof value === 'string' && /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value)}`;
    });
  const important = Number(record.level) >= 40;
  const text = important ? paint('1', message) : message;
  return `${paint('90', time)} ${paint(level.color, level.name)} ${text}${extras.length ? `  ${paint('90', extras.join(' '))}` : ''}${paint('90', stack)}`;
}

const errorLike = (v: unknown): v is { message: unknown; stack?: unknown } => !!v && typeof v === 'object' && 'message' in v;

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
