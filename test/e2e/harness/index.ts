// Browser end-to-end harness: real signaling server, built renderer over http, Debian Chromium, real main services.
//
// How it fits together (Chromium stands in for the Electron binary this machine lacks):
// - `Harness.start()` starts a real signaling server (`createSignalingServer`, port 0), serves `dist/renderer` on
//   127.0.0.1 with the CSP of `main/shell/csp.ts` (per peer: `?peer=<id>` selects that peer's allowed servers, from its
//   own main services, exactly as main builds it; a newly allowed server reloads the page once), and launches Chromium (playwright-core, fake media devices,
//   loopback WebRTC; headless unless HEADED=1, e.g. under xvfb-run for screenshots).
// - `harness.peer(name)` opens one browser context per peer. Each peer gets the app's own main-process wiring
//   (`createMainApp` with a temp data dir and an in-memory keystore), whose sender check accepts only the served
//   origin. The page reaches its dispatch through
//   `context.exposeBinding('__veilInvoke', (source, channel, args) => dispatch(source.frame.url(), channel, args))`
//   and an init script that builds `window.veil` with the same `buildVeilApi` as the preload and forwards file ports
//   with the preload's own `forwardFilePorts` (esbuild IIFE of preload/api.ts and preload/file-port.ts).
//   playwright-core 1.65 bindings round-trip Uint8Array both ways, so no byte encoding is needed.
// - The init script also wraps `RTCDataChannel.prototype.send` and records every payload (`window.__veilSent`),
//   so tests can prove the plaintext never went on the wire.
// - `peer.restartServices({ newIdentity })` swaps the services behind the binding (same or fresh data dir).
// - VEIL_TEST_AEAD=noble runs every peer with the crypto selection Electron uses (as in test/unit/main/harness.ts).
// - `harness.restartServer()` closes the signaling server and starts a new one on the same port.
// - `Harness.start({ relay })` puts a man-in-the-middle socket.io relay between the pages and the real server: the
//   fixed attacks of mitm.ts, or the programmable adversary of adversary.ts (records every event both ways per
//   client; rules drop, hold, reorder, rewrite events and acks; tests inject anything to anyone). attacker.ts is the
//   attacker's own RTCPeerConnection in a bare page; link-attacks.ts holds what the attack tests share.
// - `Harness.start({ chromiumPath })` and `harness.extraBrowser(path)` run browsers from another executable, e.g. the
//   wrappers of netns.ts that start Chromium inside a network namespace; `harness.peer(name, { browser })` opens a
//   peer in such a browser. coturn.ts starts a private TURN server; ice.ts reads selected pairs and signal candidates.
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { createSignalingServer, type SignalingServer } from '../../../signaling-server/index';
import { veilInitScript } from './bridge';
import { startFilePortHub, type FilePortHub } from './file-ports';
import { startKeyPortHub, type KeyPortHub } from './key-ports';
import { REPO_ROOT } from './paths';
import { Peer } from './peer';
import { removeDir, startServices, type PeerServices, type ServicesOptions } from './services';
import { serveRenderer, type StaticServer } from './static-server';

export const CHROMIUM_ARGS = [
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'
];

export interface Relay { url: string; close(): Promise<void> }
export interface HarnessOptions {
  headed?: boolean;
  /** Wraps the real server's URL with a relay (e.g. the malicious MITM); pages then connect to the relay. */
  relay?: (upstreamUrl: string) => Promise<Relay>;
  /** Starts the signaling server (defaults to the real `createSignalingServer` on 127.0.0.1). */
  signaling?: (port: number) => Promise<SignalingServer>;
  /** Starts one peer's main side (defaults to the real services, see ./services.ts). */
  services?: (opts: ServicesOptions) => Promise<PeerServices>;
  /** The Chromium executable of the default browser (e.g. a wrapper that runs it in a network namespace). */
  chromiumPath?: string;
}

export function launchChromium(executablePath: string, headed: boolean): Promise<Browser> {
  return chromium.launch({ executablePath, headless: !headed, args: CHROMIUM_ARGS });
}


export async function startSignaling(port = 0, publicOrigins: string[] = []): Promise<SignalingServer> {
  // No STUN on loopback (the default public STUN server is unreachable here); otherwise the real defaults.
  return createSignalingServer({ host: '127.0.0.1', port, iceServers: [], logLevel: 'silent', publicOrigins });
}

export class Harness {
  readonly peers: Peer[] = [];
  /** Browsers besides the default one (`extraBrowser`), closed with the harness. */
  private readonly extraBrowsers: Browser[] = [];
  private constructor(
    readonly browser: Browser, readonly web: StaticServer, public server: SignalingServer, readonly filePorts: FilePortHub,
    readonly relay: Relay | null, readonly initScript: string,
    private readonly startServer: (port: number) => Promise<SignalingServer>,
    readonly startServices: (opts: ServicesOptions) => Promise<PeerServices>,
    readonly keyPorts: KeyPortHub
  ) {}

  static async start(options: HarnessOptions = {}): Promise<Harness> {
    const filePorts = await startFilePortHub();
    const keyPorts = await startKeyPortHub();
    const initScript = await veilInitScript(filePorts.url, keyPorts.url);
    const byId = new Map<string, Peer>();
    const peerOf = (url: URL) => byId.get(url.searchParams.get('peer') ?? '');
    const web = await serveRenderer(path.join(REPO_ROOT, 'dist/renderer'), {
      // Plus the file-port hub: the harness' WebSocket stand-in for Electron's MessagePort, which needs no connect-src.
      options: (url) => ({ connectSources: [...(peerOf(url)?.services.services.servers.connectSources() ?? []), new URL(filePorts.url).origin,
        new URL(keyPorts.url).origin] }),
      onDocument: (url) => peerOf(url)?.services.services.servers.markServed()
    });
    let startServer = options.signaling ?? startSignaling;
    let server = await startServer(0);
    const relay = options.relay ? await options.relay(server.url) : null;
    if (relay && !options.signaling) {
      // Pages sign join proofs for the relay's origin (the server they connected to): the real server must accept it.
      const origins = [new URL(relay.url).origin, ...server.origins];
      const port = server.port;
      await server.close();
      startServer = (p: number) => startSignaling(p, origins);
      server = await startServer(port);
    }
    const headed = options.headed ?? process.env.HEADED === '1';
    const browser = await launchChromium(options.chromiumPath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headed);
    const harness = new Harness(browser, web, server, filePorts, relay, initScript, startServer, options.services ?? startServices, keyPorts);
    harness.register = (peer) => { byId.set(peer.id, peer); };
    return harness;
  }

  /** The address pages type into the lobby (the relay when one is configured). */
  get signalingUrl(): string {
    return this.relay?.url ?? this.server.url;
  }

  /** Lets the static server find a peer's main services by the id in its page URL. */
  register: (peer: Peer) => void = () => {};

  /** Another browser process (e.g. in another network namespace); peers opened with `{ browser }` live in it. */
  async extraBrowser(executablePath: string): Promise<Browser> {
    const b = await launchChromium(executablePath, process.env.HEADED === '1');
    this.extraBrowsers.push(b);
    return b;
  }

  async peer(name: string, opts: { dataDir?: string; viewport?: { width: number; height: number }; browser?: Browser } = {}): Promise<Peer> {
    const peer = await Peer.open(this, name, opts);
    this.peers.push(peer);
    return peer;
  }

  /** Closes the signaling server and starts a fresh one (empty state) on the same port. */
  async restartServer(downMs = 300): Promise<void> {
    const port = this.server.port;
    await this.server.close();
    await new Promise((r) => setTimeout(r, downMs));
    this.server = await this.startServer(port);
  }

  async close(): Promise<void> {
    for (const p of this.peers) await p.close().catch(() => {});
    await this.browser.close().catch(() => {});
    for (const b of this.extraBrowsers) await b.close().catch(() => {});
    await this.relay?.close().catch(() => {});
    await this.server.close().catch(() => {});
    await this.web.close().catch(() => {});
    await this.filePorts.close().catch(() => {});
    await this.keyPorts.close().catch(() => {});
    for (const p of this.peers) for (const d of p.dataDirs) await removeDir(d);
  }
}

export { Peer };
