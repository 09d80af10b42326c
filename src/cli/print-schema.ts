// `npm run schema` writes schema.graphql from the code; `npm run schema:check`
// fails (exit 1) when the committed file differs from what the code prints.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { schemaText } from '../graphql/schema';

async function main(): Promise<void> {
  const file = resolve(__dirname, '../../../schema.graphql');
  const text = await schemaText();
  if (process.argv.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(file, 'utf8');
    } catch {
      /* missing counts as drift */
    }
    if (committed !== text) {
      console.error('schema.graphql is out of date with the code: run `npm run schema` and commit the result.');
      process.exit(1);
    }
    console.log('schema.graphql is up to date.');
    return;
  }
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
