// The signaling origins the page may open sockets to (CSP connect-src): persisted, and a new one needs the user's yes.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AllowServerResult } from '../../protocol/ipc-app';
import { DomainError } from '../errors';

/** Asks the user, in a main-process dialog, whether the app may connect to this origin; false or a throw = no. */
export type ConfirmNewServer = (origin: string) => Promise<boolean>;

const MAX_ORIGINS = 64;
const ORIGIN_PATTERN = /^https?:\/\/([a-z0-9.-]+|\[[0-9a-f:.]+\])(:[0-9]{1,5})?$/;

/**
 * The http(s) origin of a signaling address (ws → http, wss → https), or null for anything else: other schemes,
 * credentials in the URL, or an unparsable string.
 */
export function signalingOrigin(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.username || parsed.password) return null;
  const scheme = { 'http:': 'http:', 'https:': 'https:', 'ws:': 'http:', 'wss:': 'https:' }[parsed.protocol];
  if (!scheme) return null;
  const origin = `${scheme}//${parsed.host}`;
  return ORIGIN_PATTERN.test(origin) ? origin : null;
}

/** CSP connect-src entries for some origins: socket.io polls over http(s) and upgrades to ws(s). */
export function connectSourcesFor(origins: readonly string[]): string[] {
  return origins.flatMap((o) => [o, o.replace(/^http/, 'ws')]);
}

export interface ServerAllowListOptions {
  /** The JSON file that keeps the list (in main's data folder). */
  file: string;
  /** Without one, every new origin is refused. */
  confirm?: ConfirmNewServer;
}

export class ServerAllowList {
  private readonly allowed: string[];
  /** Origins in the CSP of the page last served; an origin outside it needs a reload to take effect. */
  private served: ReadonlySet<string>;
  private asking = false;
  private readonly listeners: Array<() => void> = [];

  private constructor(private readonly options: ServerAllowListOptions, initial: string[]) {
    this.allowed = initial;
    this.served = new Set();
  }

  static async load(options: ServerAllowListOptions): Promise<ServerAllowList> {
    let initial: string[] = [];
    try {
      const raw = JSON.parse(await readFile(options.file, 'utf8')) as { origins?: unknown };
      if (Array.isArray(raw.origins)) {
        // Entries are re-checked: a tampered file must not smuggle a wildcard or a directive into the CSP.
        initial = raw.origins.filter((o): o is string => typeof o === 'string' && signalingOrigin(o) === o).slice(0, MAX_ORIGINS);
      }
    } catch {
      // No file yet (or unreadable): start with an empty list, which allows no server at all.
    }
    return new ServerAllowList(options, [...new Set(initial)]);
  }

  origins(): string[] { return [...this.allowed]; }
  connectSources(): string[] { return connectSourcesFor(this.allowed); }
  onChange(listener: () => void): void { this.listeners.push(listener); }

  /** Called when a page is served with the current list in its CSP. */
  markServed(): void { this.served = new Set(this.allowed); }

  /**
   * The renderer asks before connecting. A known origin is answered at once; a new one is shown to the user
   * (one dialog at a time, so a script cannot queue prompts) and added only after a yes.
   */
  async allow(url: string): Promise<AllowServerResult> {
    const origin = signalingOrigin(url);
    if (!origin) throw new DomainError('bad-arguments', 'not an http(s) or ws(s) server address without credentials');
    return this.allowOrigin(origin, false);
  }

  /**
   * A media server (Janus) that an allowed signaling server names for its rooms. On that server's own host it is added
   * without a dialog: the user already said yes to that host (a page script could name another port there, and would
   * still reach only that host). A media server on any other host is shown to the user like a new server.
   */
  async allowSfu(signalingUrl: string, sfuUrl: string): Promise<AllowServerResult> {
    const server = signalingOrigin(signalingUrl);
    const sfu = signalingOrigin(sfuUrl);
    if (!server || !sfu) throw new DomainError('bad-arguments', 'not an http(s) or ws(s) server address without credentials');
    if (!this.allowed.includes(server)) throw new DomainError('denied', `${server} is not an allowed server`);
    return this.allowOrigin(sfu, new URL(sfu).hostname === new URL(server).hostname);
  }

  private async allowOrigin(origin: string, sameHostAsAllowed: boolean): Promise<AllowServerResult> {
    if (!this.allowed.includes(origin)) {
      if (this.allowed.length >= MAX_ORIGINS) throw new DomainError('too-large', `at most ${MAX_ORIGINS} servers may be allowed`);
      if (!sameHostAsAllowed && !(await this.confirmOnce(origin))) throw new DomainError('denied', `the user did not allow ${origin}`);
      await this.add(origin);
    }
    return { origin, reloadRequired: !this.served.has(origin) };
  }

  /** One dialog at a time, so a script cannot queue prompts; no dialog, a throw or anything but `true` is a no. */
  private async confirmOnce(origin: string): Promise<boolean> {
    if (this.asking) throw new DomainError('denied', 'another server confirmation is open');
    this.asking = true;
    try {
      return this.options.confirm ? await this.options.confirm(origin) === true : false;
    } catch {
      return false;
    } finally {
      this.asking = false;
    }
  }

  /** Adds an origin main itself vouches for (the embedded server it just started); no dialog. */
  async add(origin: string): Promise<void> {
    if (signalingOrigin(origin) !== origin) throw new DomainError('bad-arguments', 'not a plain http(s) origin');
    if (this.allowed.includes(origin)) return;
    this.allowed.push(origin);
    await this.persist();
    for (const l of this.listeners) l();
  }

  private async persist(): Promise<void> {
    await mkdir(path.dirname(this.options.file), { recursive: true });
    const tmp = `${this.options.file}.tmp`;
    await writeFile(tmp, JSON.stringify({ version: 1, origins: this.allowed }), { mode: 0o600 });
    await rename(tmp, this.options.file);
  }
}
