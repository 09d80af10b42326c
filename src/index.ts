// Entry point: environment → config → app. SIGTERM/SIGINT stop accepting,
// let in-flight requests finish (up to SHUTDOWN_TIMEOUT), close the database
// and Redis, and exit 0.
import './v8-memory'; // first: V8's heap flags must be set before the modules fill the heap
import 'reflect-metadata';
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { explainStartupFailure, StartupError } from './startup-errors';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await createApp(config).catch((err: unknown) => {
    throw explainStartupFailure(err, config);
  });
  let signalled = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = true;
    app.services.logger.info({ signal }, 'shutting down: finishing in-flight requests');
    // The HTTP drain already cuts connections at SHUTDOWN_TIMEOUT; this is the backstop.
    const force = setTimeout(
      () => {
        app.services.logger.error('shutdown timed out; exiting');
        process.exit(1);
      },
      (config.shutdownTimeout + 5) * 1000,
    );
    force.unref();
    app.stop().then(
      () => {
        app.services.logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        app.services.logger.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  // Known failures are one line with the fix; an unknown one keeps its stack.
  if (err instanceof ConfigError) console.error(err.problems.length === 1 ? `authql cannot start: ${err.problems[0]}.` : err.message);
  else if (err instanceof StartupError) console.error(err.message);
  else console.error('authql failed to start:', err);
  process.exit(1);
});
