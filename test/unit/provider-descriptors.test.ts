// Adding a provider is one file and one registry line: what the rest of
// authql needs of it comes from its descriptor, and this keeps the README's
// configuration table in step with the descriptors' endpoints.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ConfigError, loadConfig } from '../../src/config';
import { endpointKey } from '../../src/social/providers/descriptor';
import { SOCIAL_PROVIDERS } from '../../src/social/providers/provider-id';
import { descriptorOf, PROVIDERS } from '../../src/social/providers/registry';

const README = readFileSync(join(__dirname, '../../README.md'), 'utf8');

test('every provider has its descriptor, under its own id', () => {
  expect(PROVIDERS.map((d) => d.id).sort()).toEqual([...SOCIAL_PROVIDERS].sort());
  for (const id of SOCIAL_PROVIDERS) expect(descriptorOf(id).id).toBe(id);
});

test.each(PROVIDERS.flatMap((d) => Object.entries(d.endpoints).map(([name, spec]) => [d.id, name, spec] as const)))(
  '%s %s: read from its variable with its default, https in production, and in the README',
  (id, name, spec) => {
    const secret = { JWT_SECRET_KEY: 'x'.repeat(32) };
    expect(loadConfig(secret).social[endpointKey(id, name)]).toBe(spec.default);
    expect(loadConfig({ ...secret, [spec.env]: 'http://127.0.0.1:9/x/' }).social[endpointKey(id, name)]).toBe('http://127.0.0.1:9/x');
    let problems: string[] = [];
    try {
      loadConfig({ ...secret, NODE_ENV: 'production', METRICS_TOKEN: 't', [spec.env]: 'http://provider.example' });
    } catch (err) {
      problems = (err as ConfigError).problems;
    }
    expect(problems).toContain(`${spec.env} must use https in production`);
    expect(README).toContain(`| \`${spec.env}\` | \`${spec.default}\` | ${spec.description}`);
  },
);
