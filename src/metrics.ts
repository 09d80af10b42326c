// Prometheus metrics (prom-client), one registry per app so several apps in
// one process (tests) never share counters.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'authql_' });
  const make = {
    counter: <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Counter<L>({ name, help, labelNames, registers: [registry] }),
    gauge: (name: string, help: string) => new Gauge({ name, help, registers: [registry] }),
    histogram: <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
      new Histogram<L>({ name, help, labelNames, buckets, registers: [registry] }),
  };
  const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  return {
    registry,
    requests: make.counter('authql_http_requests_total', 'HTTP requests by GraphQL operation and status.', ['operation', 'status'] as const),
    requestDuration: make.histogram(
      'authql_http_request_duration_seconds',
      'HTTP request latency by GraphQL operation.',
      ['operation'] as const,
      latencyBuckets,
    ),
    preparedAnswers: make.counter(
      'authql_graphql_prepared_answers_total',
      'GraphQL requests answered on the prepared-operation path, without Apollo (README, Performance).',
      [] as const,
    ),
    signIns: make.counter('authql_sign_ins_total', 'Sign-in attempts by method and outcome.', ['method', 'outcome'] as const),
    refreshes: make.counter('authql_token_refreshes_total', 'Refresh-token rotations by outcome.', ['outcome'] as const),
    reuseDetected: make.counter('authql_refresh_reuse_detected_total', 'Rotated refresh tokens presented again (the session was revoked).', [] as const),
    rateLimited: make.counter('authql_rate_limited_total', 'Attempts refused by throttling, by rule.', ['rule'] as const),
    providerDuration: make.histogram(
      'authql_provider_request_duration_seconds',
      'Social provider verification latency.',
      ['provider'] as const,
      latencyBuckets,
    ),
    providerErrors: make.counter('authql_provider_errors_total', 'Social provider verification failures by reason.', ['provider', 'reason'] as const),
    passwordHashes: make.counter('authql_password_hashes_total', 'Password hashes computed (checks, new hashes, dummy work), by scheme.', ['scheme'] as const),
    passwordHashWait: make.histogram(
      'authql_password_hash_wait_seconds',
      'Time a password hash waited for a slot of the hash gate.',
      [] as const,
      latencyBuckets,
    ),
    passwordHashActive: make.gauge('authql_password_hash_active', 'Password hashes running now.'),
    passwordHashWaiting: make.gauge('authql_password_hash_waiting', 'Password hashes waiting for a slot now.'),
    passwordHashSlots: make.gauge('authql_password_hash_slots', 'Password hashes allowed at once (PASSWORD_HASH_CONCURRENCY).'),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
