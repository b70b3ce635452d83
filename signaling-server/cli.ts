// `npm run signaling`: starts a standalone signaling server from env vars and flags (zero config works); `--sfu` adds a local Janus.
import { usage } from './config';
import { ConfigError, configFromEnvAndArgs, createSignalingServer } from './index';
import { JanusNotInstalledError, launchLocalJanus, type LocalJanus } from './sfu/launcher';

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(`${usage()}\n  ${'--sfu'.padEnd(26)} start a private local Janus (JANUS_BIN, default /usr/bin/janus) and use it`);
    process.exit(0);
  }
  const args = process.argv.slice(2);
  const withSfu = args.includes('--sfu');
  let config;
  try {
    config = configFromEnvAndArgs(process.env, args.filter((a) => a !== '--sfu'));
  } catch (err) {
    console.error(err instanceof ConfigError ? `veil-signaling: configuration error:\n${err.message}` : String(err));
    process.exit(2);
  }
  let janus: LocalJanus | null = null;
  if (withSfu) {
    if (config.janusUrls.length > 0) {
      console.error('veil-signaling: --sfu starts its own Janus; drop JANUS_URLS or --sfu');
      process.exit(2);
    }
    try {
      janus = await launchLocalJanus(process.env.JANUS_BIN ? { bin: process.env.JANUS_BIN } : {});
    } catch (err) {
      console.error(`veil-signaling: --sfu: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(err instanceof JanusNotInstalledError ? 3 : 1);
    }
    config = { ...config, janusUrls: [janus.url], janusPublicUrls: [], janusApiSecret: janus.apiSecret, janusTokenSecret: janus.tokenSecret };
    console.log(`Local Janus (SFU) on ${janus.url}, config in ${janus.dir}`);
  }
  const stopJanus = () => janus?.stop() ?? Promise.resolve();
  const server = await createSignalingServer(config, { processMetrics: true }).catch(async (err: unknown) => {
    await stopJanus();
    throw err;
  });
  console.log(`Veil signaling server listening on ${server.url}`);
  process.on('unhandledRejection', (err) => server.log.error({ err: String(err) }, 'unhandled rejection'));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    void server.close().then(stopJanus).then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`veil-signaling: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
