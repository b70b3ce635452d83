// One spare RTCPeerConnection kept gathering ICE candidates, so a new link's complete offer need not wait for gathering.
//
// Veil does not trickle: an offer leaves only once ICE gathering is complete, and Chromium's gathering takes ~120 ms
// from setLocalDescription even on loopback (its port allocator steps through UDP, relay and TCP phases). A connection
// built with `iceCandidatePoolSize` gathers from the moment it exists; made ahead of the link that will use it, its
// candidates are ready when the offer is set. The spare is built with exactly the configuration a new link would get
// (same ICE servers, transport policy, room certificate), carries no track, channel or description, and sends nothing:
// a link that takes it goes through the same binding, verification and live-certificate checks as any other.

/** A spare older than this is replaced (fresh TURN credentials, fresh ports); a late joiner still finds one ready. */
export const SPARE_MAX_AGE_MS = 60_000;

interface Spare { pc: RTCPeerConnection; key: string; cert: RTCCertificate | undefined; madeAt: number }

/** JSON with object keys sorted at every level: equal configurations give equal strings. */
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

/** What must match for a spare to stand in for a new connection: everything in the configuration (the certificate by identity). */
function configKey(config: RTCConfiguration): string {
  const { certificates: _certificates, ...rest } = config;
  return stable(rest);
}

export interface SpareDeps {
  make(config: RTCConfiguration): RTCPeerConnection;
  now(): number;
  /** Schedules background work (the next spare): never on the path of the link that just took one. */
  later(fn: () => void, ms: number): ReturnType<typeof setTimeout>;
  cancel(t: ReturnType<typeof setTimeout>): void;
}

const browserDeps: SpareDeps = {
  make: (config) => new RTCPeerConnection(config),
  now: () => Date.now(),
  later: (fn, ms) => setTimeout(fn, ms),
  cancel: (t) => clearTimeout(t)
};

export class SpareConnection {
  private spare: Spare | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(private readonly current: () => RTCConfiguration, private readonly d: SpareDeps = browserDeps) {}

  /** Makes sure a spare for the current configuration is gathering (replacing one made for another, or a stale one). */
  warm(): void {
    if (this.closed) return;
    const config = this.current();
    const s = this.spare;
    if (s && this.matches(s, config) && this.d.now() - s.madeAt < SPARE_MAX_AGE_MS) return;
    this.discard();
    let pc: RTCPeerConnection;
    try { pc = this.d.make(config); } catch { return; }
    this.spare = { pc, key: configKey(config), cert: config.certificates?.[0], madeAt: this.d.now() };
    if (this.timer) this.d.cancel(this.timer);
    this.timer = this.d.later(() => { this.timer = null; this.warm(); }, SPARE_MAX_AGE_MS);
  }

  /**
   * The connection for a new link with `config`: the spare when it was made with an equal configuration and is fresh
   * (then another is warmed in the background), else a new one. Never the same connection twice.
   */
  take(config: RTCConfiguration): RTCPeerConnection {
    const s = this.spare;
    this.spare = null;
    if (!this.closed) this.d.later(() => this.warm(), 0);
    if (s && this.matches(s, config) && this.d.now() - s.madeAt < SPARE_MAX_AGE_MS && s.pc.signalingState === 'stable') return s.pc;
    if (s) s.pc.close();
    return this.d.make(config);
  }

  close(): void {
    this.closed = true;
    if (this.timer) this.d.cancel(this.timer);
    this.timer = null;
    this.discard();
  }

  private matches(s: Spare, config: RTCConfiguration): boolean {
    return s.key === configKey(config) && s.cert === config.certificates?.[0];
  }

  private discard(): void {
    this.spare?.pc.close();
    this.spare = null;
  }
}
