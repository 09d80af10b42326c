// schema.graphql is generated from the code; this fails when it drifts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaText } from '../../src/graphql/schema';

test('schema.graphql matches the code (run `npm run schema` to update it)', async () => {
  expect(readFileSync(join(__dirname, '../../schema.graphql'), 'utf8')).toBe(await schemaText());
});
