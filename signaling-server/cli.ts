// `npm run signaling`: starts a standalone signaling server from env vars and flags (zero config works).
import { usage } from './config';
import { ConfigError, configFromEnvAndArgs, createSignalingServer } from './index';

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(usage());
    process.exit(0);
  }
  let config;
  try {
    config = configFromEnvAndArgs(process.env, process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof ConfigError ? `veil-signaling: configuration error:\n${err.message}` : String(err));
    process.exit(2);
  }
  const server = await createSignalingServer(config, { processMetrics: true });
  console.log(`Veil signaling server listening on ${server.url}`);
  process.on('unhandledRejection', (err) => server.log.error({ err: String(err) }, 'unhandled rejection'));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    void server.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`veil-signaling: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
