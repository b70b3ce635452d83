// The spare connection: taken only for an equal configuration and while fresh, never twice, re-warmed after each take.
import { describe, expect, it } from 'vitest';
import { SPARE_MAX_AGE_MS, SpareConnection, type SpareDeps } from '../../renderer/src/rtc/spare-connection';

class FakeConn {
  signalingState = 'stable';
  closed = false;
  constructor(readonly config: RTCConfiguration) {}
  close(): void { this.closed = true; this.signalingState = 'closed'; }
}

function setup(initial: RTCConfiguration) {
  let config = initial;
  let now = 1_000;
  const made: FakeConn[] = [];
  const timers: { fn: () => void; at: number; done: boolean }[] = [];
  const deps: SpareDeps = {
    make: (c) => { const pc = new FakeConn(c); made.push(pc); return pc as unknown as RTCPeerConnection; },
    now: () => now,
    later: (fn, ms) => { const t = { fn, at: now + ms, done: false }; timers.push(t); return t as unknown as ReturnType<typeof setTimeout>; },
    cancel: (t) => { (t as unknown as { done: boolean }).done = true; }
  };
  const spare = new SpareConnection(() => config, deps);
  /** Runs the background work that is due (the spare's re-warming). */
  const run = () => { for (const t of timers) if (!t.done && t.at <= now) { t.done = true; t.fn(); } };
  return { spare, made, run, setConfig: (c: RTCConfiguration) => { config = c; }, advance: (ms: number) => { now += ms; } };
}

const cert = {} as RTCCertificate;
const cfg = (servers: RTCIceServer[], relay = false): RTCConfiguration => ({
  bundlePolicy: 'max-bundle', iceCandidatePoolSize: 1, iceServers: servers, certificates: [cert], ...(relay ? { iceTransportPolicy: 'relay' as const } : {})
});

describe('SpareConnection', () => {
  it('a new link takes the warm spare made with an equal configuration (keys in any order), and the next is warmed after', () => {
    const t = setup(cfg([{ urls: 'stun:a', username: 'u' }]));
    t.spare.warm();
    expect(t.made).toHaveLength(1);
    const pc = t.spare.take({ iceServers: [{ username: 'u', urls: 'stun:a' }], certificates: [cert], iceCandidatePoolSize: 1, bundlePolicy: 'max-bundle' });
    expect(pc).toBe(t.made[0]);
    expect(t.made).toHaveLength(1);
    // Never the same connection twice: the next link gets a new one (or the next spare, once warmed).
    t.run();
    expect(t.made).toHaveLength(2);
    expect(t.spare.take(cfg([{ urls: 'stun:a', username: 'u' }]))).toBe(t.made[1]);
  });

  it('another configuration (ICE servers, relay policy, certificate) gets a new connection, and the mismatched spare is closed', () => {
    for (const other of [cfg([{ urls: 'turn:b', username: 'u', credential: 'c' }]), cfg([], true), { ...cfg([]), certificates: [{} as RTCCertificate] }]) {
      const t = setup(cfg([]));
      t.spare.warm();
      const pc = t.spare.take(other) as unknown as FakeConn;
      expect(pc).not.toBe(t.made[0]);
      expect(pc.config).toBe(other);
      expect(t.made[0]!.closed).toBe(true);
    }
  });

  it('a stale or used spare is never handed out; warm() replaces one made for an older configuration', () => {
    const t = setup(cfg([]));
    t.spare.warm();
    t.advance(SPARE_MAX_AGE_MS);
    expect(t.spare.take(cfg([]))).not.toBe(t.made[0]);
    expect(t.made[0]!.closed).toBe(true);

    const u = setup(cfg([]));
    u.spare.warm();
    u.made[0]!.signalingState = 'have-local-offer';
    expect(u.spare.take(cfg([]))).not.toBe(u.made[0]);

    const w = setup(cfg([]));
    w.spare.warm();
    w.setConfig(cfg([{ urls: 'stun:new' }]));
    w.spare.warm();
    expect(w.made).toHaveLength(2);
    expect(w.made[0]!.closed).toBe(true);
    expect(w.spare.take(cfg([{ urls: 'stun:new' }]))).toBe(w.made[1]);
  });

  it('is replaced when it gets old, and close() ends it: nothing is warmed after', () => {
    const t = setup(cfg([]));
    t.spare.warm();
    t.advance(SPARE_MAX_AGE_MS);
    t.run();
    expect(t.made).toHaveLength(2);
    expect(t.made[0]!.closed).toBe(true);
    t.spare.close();
    expect(t.made[1]!.closed).toBe(true);
    t.spare.take(cfg([]));
    t.advance(SPARE_MAX_AGE_MS);
    t.run();
    expect(t.made).toHaveLength(3);
    expect(t.made[2]!.closed).toBe(false);
  });
});
