// `npm run signaling`: starts a standalone signaling server from env with embedded defaults.
import { createSignalingServer } from './index';

const port = Number(process.env.PORT ?? 8443);
createSignalingServer({ host: process.env.HOST ?? '0.0.0.0', port }).then((server) => {
  console.log(JSON.stringify({ msg: 'veil signaling server listening', url: server.url }));
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}, (err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
