// One test peer: a browser context + page running the built renderer, with window.veil backed by real services.
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { IpcChannel, IpcResult } from '../../../protocol/ipc';
import { decodedFramesExpr, sentContainsExpr } from './bridge';
import type { Harness } from './index';
import { tempDir, type PeerServices } from './services';

/** Polls `check` from the test process (page-side string predicates would need 'unsafe-eval' under the app's CSP). */
export async function waitUntil(check: () => Promise<boolean> | boolean, timeout = 30_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeout;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

export class Peer {
  readonly dataDirs: string[] = [];
  private constructor(
    readonly harness: Harness, readonly name: string, readonly context: BrowserContext,
    public page: Page, public services: PeerServices, readonly downloads: string
  ) {}

  /** Origins main asked this peer's user about (the "allow this server?" dialog); the stand-in answers `allowServers`. */
  readonly serverPrompts: string[] = [];
  allowServers = true;
  /** The id in the page URL (`?peer=`) by which the static server serves this peer's CSP. */
  static nextId = 0;
  readonly id = String(Peer.nextId++);

  /** Main's save dialog stand-in: where a received file is written (null = the user cancelled). Tests may replace it. */
  saveAs: (suggestedName: string) => string | null = (suggestedName) => path.join(this.downloads, suggestedName);
  /** Main's open dialog stand-in: the next `files:pick` answers this path once (null = the user cancelled). */
  pickPath: string | null = null;

  private static fileOptions(h: Harness, holder: { peer: Peer | null }) {
    return {
      openFilePort: h.filePorts.opener,
      openMediaKeyPort: h.keyPorts.opener,
      chooseSavePath: async (suggestedName: string) => holder.peer?.saveAs(suggestedName) ?? null,
      chooseOpenPath: async () => {
        const chosen = holder.peer?.pickPath ?? null;
        if (holder.peer) holder.peer.pickPath = null;
        return chosen;
      },
      confirmNewServer: async (origin: string) => {
        holder.peer?.serverPrompts.push(origin);
        return holder.peer?.allowServers ?? false;
      },
      listCaptureSources: async () => [{ id: 'screen:0:0', name: 'Fake screen' }, { id: 'window:1:0', name: 'Fake window' }]
    };
  }

  /**
   * The harness' own signaling server counts as allowed before the page loads (as after an earlier session), so
   * ordinary tests need no reload; a server the page has not seen (e.g. the hosted one) goes through the dialog.
   */
  private static async allowHarnessServer(h: Harness, services: PeerServices): Promise<void> {
    await services.services.servers.add(new URL(h.signalingUrl).origin);
  }

  static async open(h: Harness, name: string, opts: { dataDir?: string; viewport?: { width: number; height: number }; browser?: Browser }): Promise<Peer> {
    const holder: { peer: Peer | null } = { peer: null };
    const downloads = await tempDir(`${name.toLowerCase()}-downloads`);
    const services = await h.startServices({ origin: h.web.origin, dataDir: opts.dataDir ?? await tempDir(name.toLowerCase()),
      ...Peer.fileOptions(h, holder) });
    await Peer.allowHarnessServer(h, services);
    const context = await (opts.browser ?? h.browser).newContext({ viewport: opts.viewport ?? { width: 1280, height: 800 } });
    await context.exposeBinding('__veilInvoke', (source, channel: unknown, args: unknown) => {
      const dispatch = holder.peer?.services.dispatch ?? services.dispatch;
      return dispatch(source.frame.url(), channel, Array.isArray(args) ? args : []);
    });
    await context.addInitScript({ content: h.initScript });
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error(`[${name}] pageerror`, err.message));
    const peer = new Peer(h, name, context, page, services, downloads);
    peer.dataDirs.push(services.dataDir, downloads);
    holder.peer = peer;
    h.register(peer);
    await page.goto(`${h.web.origin}/index.html?peer=${peer.id}`);
    return peer;
  }

  /** Calls main directly (as the app would), for assertions on persisted state. */
  async call<T = unknown>(channel: IpcChannel, ...args: unknown[]): Promise<T> {
    const res = await this.services.dispatch(`${this.harness.web.origin}/index.html`, channel, args) as IpcResult<T>;
    if (!res.ok) throw new Error(`${channel}: ${res.error.code}: ${res.error.message}`);
    return res.value;
  }

  async join(room: string, serverUrl = this.harness.signalingUrl, password?: string): Promise<void> {
    await this.submitJoin(room, serverUrl, password);
    await this.page.getByTestId('call-view').waitFor({ timeout: 30_000 });
  }

  /** Fills the lobby and clicks Join, without waiting for the call (for joins that should fail). */
  async submitJoin(room: string, serverUrl = this.harness.signalingUrl, password?: string): Promise<void> {
    const p = this.page;
    await p.getByTestId('lobby-name').fill(this.name);
    await p.getByTestId('lobby-server').fill(serverUrl);
    await p.getByTestId('lobby-room').fill(room);
    if (password !== undefined) await p.getByTestId('lobby-password').fill(password);
    await p.getByTestId('lobby-join').click();
  }

  /** Waits until `n` remote peers show as connected with authenticated media. */
  async waitConnected(n: number, timeout = 45_000): Promise<void> {
    const ready = this.page.locator('[data-testid="tile-peer"][data-conn="connected"]:has(.badge.lock)');
    await waitUntil(async () => (await ready.count()) >= n, timeout, `${this.name}: ${n} authenticated connections`);
  }

  async sendChat(text: string): Promise<void> {
    await this.page.getByTestId('tab-chat').click();
    await this.page.getByTestId('chat-input').fill(text);
    await this.page.getByTestId('chat-send').click();
  }

  async waitForMessage(text: string, timeout = 30_000): Promise<void> {
    await this.page.getByTestId('tab-chat').click();
    await this.page.locator('[data-testid="chat-message"] [data-testid="chat-text"]', { hasText: text }).first().waitFor({ timeout });
  }

  /** Reads the safety number this peer's verify dialog shows for `name`, then closes the dialog. */
  async safetyNumberFor(name: string): Promise<string> {
    await this.page.getByTestId('tab-people').click();
    await this.page.locator(`[data-testid="participant"][data-name="${name}"] [data-testid="verify-open"]`).click();
    const sn = this.page.getByTestId('safety-number');
    await sn.waitFor();
    const digits = (await sn.getAttribute('data-digits')) ?? '';
    await this.page.getByTestId('verify-close').click();
    return digits;
  }

  async alertTexts(): Promise<string[]> {
    return this.page.getByTestId('alert').allTextContents();
  }

  async waitForAlert(pattern: RegExp, timeout = 30_000): Promise<string> {
    let found = '';
    await waitUntil(async () => {
      found = (await this.alertTexts()).find((t) => pattern.test(t)) ?? '';
      return found !== '';
    }, timeout, `${this.name}: alert ${pattern}`);
    return found;
  }

  async tiles(): Promise<{ name: string; conn: string }[]> {
    return this.page.getByTestId('tile-peer').evaluateAll((els) =>
      els.map((e) => ({ name: e.getAttribute('data-name') ?? '', conn: e.getAttribute('data-conn') ?? '' })));
  }

  async leave(): Promise<void> {
    await this.page.getByTestId('leave').click();
    await this.page.getByTestId('leave-confirm-confirm').click();
    await this.page.getByTestId('lobby').waitFor();
  }

  /** Delivery state of this peer's last outgoing message with `text`, per recipient name. */
  async deliveryOf(text: string): Promise<Record<string, string>> {
    await this.page.getByTestId('tab-chat').click();
    const msg = this.page.locator('[data-testid="chat-message"]', { has: this.page.locator('[data-testid="chat-text"]', { hasText: text }) }).last();
    const per = await msg.getByTestId('delivery-peer').evaluateAll((els) =>
      els.map((e) => [e.getAttribute('data-peer') ?? '', e.getAttribute('data-state') ?? ''] as const));
    return Object.fromEntries(per);
  }

  async waitDelivered(text: string, names: string[], timeout = 30_000): Promise<void> {
    await waitUntil(async () => {
      const d = await this.deliveryOf(text);
      return names.every((n) => d[n] === 'delivered');
    }, timeout, `${this.name}: "${text}" delivered to ${names.join(', ')}`);
  }

  sentContains(text: string): Promise<boolean> {
    return this.page.evaluate(sentContainsExpr(text)) as Promise<boolean>;
  }

  decodedFrames(): Promise<number[]> {
    return this.page.evaluate(decodedFramesExpr) as Promise<number[]>;
  }

  /** Replaces this peer's main services: same data dir (same identity) or a fresh one (a new identity). */
  async restartServices(opts: { newIdentity: boolean }): Promise<void> {
    await this.services.dispose();
    const dataDir = opts.newIdentity ? await tempDir(this.name.toLowerCase()) : this.services.dataDir;
    const keystore = opts.newIdentity ? undefined : this.services.keystore;
    this.services = await this.harness.startServices({ origin: this.harness.web.origin, dataDir, ...(keystore ? { keystore } : {}),
      ...Peer.fileOptions(this.harness, { peer: this }) });
    await Peer.allowHarnessServer(this.harness, this.services);
    if (!this.dataDirs.includes(dataDir)) this.dataDirs.push(dataDir);
  }

  async reload(): Promise<void> {
    await this.page.reload();
    await this.page.getByTestId('lobby').waitFor();
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => {});
    await this.services.dispose().catch(() => {});
  }
}
