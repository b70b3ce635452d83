// Frame origin in the worker (PROTOCOL.md §22a): what a sender reports it sealed, and per-feed verdicts on what a receiver opened.
import { describe, expect, it, vi } from 'vitest';
import { FRAME_ORIGIN_LIMITS, type FrameOriginStatus, type SentFramesMessage } from '../../../protocol/frame-origin';
import type { FrameWorkerStatus, KeyPortReply } from '../../../protocol/media-keys';
import { makeKid, MAX_SENDERS, SendContext } from '../../../renderer/src/sframe/contexts';
import { FrameCrypto } from '../../../renderer/src/sframe/frame-crypto';
import { FEEDS_PER_SENDER, OriginTracker, RECENT_RUNS_PER_SENDER } from '../../../renderer/src/sframe/origin-tracker';
import { MAX_SENT_PENDING, SentFrames } from '../../../renderer/src/sframe/sent-frames';
import { importSFrameKey, peekFrame, sealFrame } from '../../../renderer/src/sframe/sframe';

const AUDIO = { kind: 'audio' as const, mimeType: 'audio/opus' };
const VP8_KEY = { kind: 'video' as const, mimeType: 'video/VP8', frameType: 'key' };
const frame = (n: number, salt = 1) => new Uint8Array(n).map((_, i) => (i * 13 + salt) & 0xff);
const KID = makeKid(5, 1);
const BASE = new Uint8Array(32).fill(9);
const MAX = FRAME_ORIGIN_LIMITS.maxFramesPerDigest;
const tag = (n: number) => new Uint8Array(8).fill((n % 250) + 1);
const shape = (runs: SentFramesMessage[]) => runs.map((r) => [r.kid, r.firstCtr, r.tags.length / 8]);
type ReceiveStatus = Extract<FrameWorkerStatus, { type: 'receive-status' }>;

function member(clock: { t: number }) {
  const statuses: FrameWorkerStatus[] = [];
  const replies: KeyPortReply[] = [];
  const fc = new FrameCrypto((s) => statuses.push(s), () => clock.t);
  const key = (m: unknown) => fc.onKeyMessage(m, (r) => replies.push(r));
  const origin = (feedId: string) => statuses.filter((s): s is FrameOriginStatus => s.type === 'origin-status' && s.feedId === feedId).at(-1);
  const drops = () => { fc.flush(); return (statuses.filter((s) => s.type === 'receive-status').at(-1) as ReceiveStatus).dropReasons; };
  const tracker = () => (fc as unknown as { origin: OriginTracker }).origin;
  return { fc, statuses, replies, key, origin, drops, tracker };
}

/** Dana seals with the real worker core; Bob receives under main's require-origin (both hold Dana's key, as every receiver does). */
async function room() {
  const clock = { t: 1000 };
  const dana = member(clock);
  const bob = member(clock);
  await dana.key({ type: 'set-send-key', kid: KID, baseKey: BASE.slice() });
  await bob.key({ type: 'require-origin' });
  await bob.key({ type: 'set-receive-key', senderId: 'dana', kid: KID, baseKey: BASE.slice() });
  const forward = async (runs: SentFramesMessage[], senderId = 'dana') => { for (const r of runs) await bob.key({ ...r, type: 'sender-frames', senderId }); };
  const seal = async (salt = 0) => (await dana.fc.sealFrame(frame(80, salt), AUDIO))!;
  return { clock, dana, bob, forward, seal };
}

/** A forger holding Dana's key seals frames of its own under her KID, at counters it picks. */
async function forge(from: number, n: number): Promise<Uint8Array[]> {
  const key = await importSFrameKey(BigInt(KID), BASE);
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) out.push(await sealFrame(key, BigInt(from + i), frame(80, 99)));
  return out;
}

describe('sender: the runs of what it sealed', () => {
  it('one contiguous run per KID, sorted although seals finished out of order, short gaps zero-filled', () => {
    const s = new SentFrames();
    for (const c of [3, 1, 2, 0, 6]) s.sealed(KID, c, tag(c));
    s.sealed(KID + 1, 7, tag(7));
    const runs = s.take();
    expect(shape(runs)).toEqual([[KID, 0, 7], [KID + 1, 7, 1]]);
    const tags = runs[0]!.tags;
    for (const c of [0, 1, 2, 3, 6]) expect([...tags.subarray(c * 8, c * 8 + 8)]).toEqual([...tag(c)]);
    expect([...tags.subarray(32, 48)]).toEqual(Array(16).fill(0));
    expect(s.take()).toEqual([]);
  });

  it('starts a new run after a long gap and splits at 512 frames', () => {
    const s = new SentFrames();
    for (const c of [0, 1, 66, 200]) s.sealed(KID, c, tag(c));
    expect(shape(s.take())).toEqual([[KID, 0, 67], [KID, 200, 1]]);
    for (let c = 0; c < 2 * MAX + 100; c++) s.sealed(KID, c, tag(c));
    expect(shape(s.take())).toEqual([[KID, 0, MAX], [KID, MAX, MAX], [KID, 2 * MAX, 100]]);
  });

  it('keeps at most four full runs pending, dropping the lowest counters first', () => {
    const s = new SentFrames();
    const n = 10 * MAX;
    for (let c = n - 1; c >= 0; c -= 2) s.sealed(KID, c, tag(c)); // odd counters, newest first
    for (let c = n - 2; c >= 0; c -= 2) s.sealed(KID, c, tag(c));
    expect(s.size).toBe(MAX_SENT_PENDING);
    const runs = s.take();
    expect(runs.reduce((k, r) => k + r.tags.length / 8, 0)).toBe(MAX_SENT_PENDING);
    expect(runs[0]!.firstCtr).toBe(n - MAX_SENT_PENDING);
    expect(runs.every((r) => !r.tags.some((_, i) => i % 8 === 0 && r.tags.subarray(i, i + 8).every((b) => b === 0)))).toBe(true);
  });

  it('holds back frames above a seal still running, so its counter is never reported as empty', async () => {
    const s = new SentFrames();
    for (const c of [0, 1, 3, 4]) s.sealed(KID, c, tag(c));
    expect(shape(s.take(2))).toEqual([[KID, 0, 2]]);
    s.sealed(KID, 2, tag(2));
    expect(shape(s.take(5))).toEqual([[KID, 2, 3]]);
    const ctx = new SendContext();
    await ctx.setKey(KID, BASE.slice());
    const [a, b] = [ctx.seal(frame(40)), ctx.seal(frame(40))];
    expect(ctx.settledBelow).toBe(0n);
    await Promise.all([a, b]);
    expect(ctx.settledBelow).toBe(2n);
    expect(await a).toMatchObject({ ok: true, kid: KID, ctr: 0n });
  });

  it('FrameCrypto holds back what it sealed above a seal WebCrypto has not finished', async () => {
    const { dana } = await room();
    const encrypt = crypto.subtle.encrypt.bind(crypto.subtle);
    let release = () => {};
    const gate = new Promise<void>((r) => { release = r; });
    const spy = vi.spyOn(crypto.subtle, 'encrypt').mockImplementationOnce(async (...a) => { await gate; return encrypt(...a); });
    try {
      const slow = dana.fc.sealFrame(frame(40), AUDIO); // counter 0, stuck in WebCrypto
      await dana.fc.sealFrame(frame(40, 1), AUDIO);
      await dana.fc.sealFrame(frame(40, 2), AUDIO);
      expect(dana.fc.takeSentFrames()).toEqual([]);
      release();
      await slow;
      expect(shape(dana.fc.takeSentFrames())).toEqual([[KID, 0, 3]]);
    } finally {
      spy.mockRestore();
    }
  });

  it('FrameCrypto reports bytes [len-16, len-8) of each whole output frame at its counter', async () => {
    const { dana } = await room();
    const out = await Promise.all(Array.from({ length: 12 }, (_, i) => dana.fc.sealFrame(frame(120, i), i % 2 ? AUDIO : VP8_KEY)));
    const runs = dana.fc.takeSentFrames();
    expect(shape(runs)).toEqual([[KID, 0, 12]]);
    out.forEach((f, i) => {
      const ctr = Number(peekFrame(f!.subarray(i % 2 ? 0 : 10))!.ctr); // VP8 keyframes keep 10 bytes in the clear before the SFrame
      expect([...runs[0]!.tags.subarray(ctr * 8, ctr * 8 + 8)]).toEqual([...f!.subarray(f!.length - 16, f!.length - 8)]);
    });
    expect(dana.fc.takeSentFrames()).toEqual([]);
  });
});

describe('receiver: origin per feed', () => {
  it("Dana's proven feed keeps flowing; a key holder's frames at counters her run covers, on another feed, are forged for good", async () => {
    const { dana, bob, forward, seal } = await room();
    const real: Uint8Array[] = [];
    for (let i = 0; i < 20; i++) real.push(await seal(i));
    // The forger races Dana for counters 10..19 with frames of its own and wins them at Bob's.
    const fakes = await forge(10, 10);
    for (let i = 0; i < 10; i++) expect(await bob.fc.openFrame('dana', real[i]!, AUDIO, 'real')).not.toBeNull();
    for (const f of fakes) expect(await bob.fc.openFrame('dana', f, AUDIO, 'fake')).not.toBeNull();
    expect(bob.origin('fake')).toBeUndefined();
    await forward(dana.fc.takeSentFrames());
    bob.fc.flush();
    expect(bob.origin('real')).toMatchObject({ state: 'proven', proven: 10, forged: 0, unproven: 0 });
    expect(bob.origin('fake')).toMatchObject({ state: 'forged', forged: 10, proven: 0 });
    expect(await bob.fc.openFrame('dana', await seal(50), AUDIO, 'real')).not.toBeNull();
    for (const f of await forge(40, 3)) expect(await bob.fc.openFrame('dana', f, AUDIO, 'fake')).toBeNull();
    expect(bob.drops()).toMatchObject({ 'origin-forged': 3, 'origin-unproven': 0 });
    // Dana's next run proves her new frame, and even her genuine frame relayed on the forged feed brings it no way back.
    expect(await bob.fc.openFrame('dana', await seal(51), AUDIO, 'fake')).toBeNull();
    await forward(dana.fc.takeSentFrames());
    bob.fc.flush();
    expect(bob.origin('real')).toMatchObject({ state: 'proven', proven: 11 });
    expect(bob.origin('fake')).toMatchObject({ state: 'forged', proven: 1, forged: 10 });
  });

  it('frames no run covers are unproven after the deadline and held back; covered frames bring the real feed back', async () => {
    const { clock, dana, bob, forward, seal } = await room();
    // Ahead of anything Dana sealed, but inside the replay window (further ahead, her own frames would drop as replays).
    for (const f of await forge(900, 2)) expect(await bob.fc.openFrame('dana', f, AUDIO, 'ahead')).not.toBeNull();
    expect(await bob.fc.openFrame('dana', await seal(), AUDIO, 'real')).not.toBeNull();
    dana.fc.takeSentFrames(); // that digest is lost on the way
    clock.t += FRAME_ORIGIN_LIMITS.deadlineMs - 1;
    bob.fc.flush();
    expect(bob.tracker().stateOf('dana', 'ahead')).toBe('pending');
    clock.t += 1;
    // No status timer ran since: the deadline is checked before the decision on each frame.
    expect(await bob.fc.openFrame('dana', await seal(3), AUDIO, 'real')).toBeNull();
    bob.fc.flush();
    expect(bob.origin('ahead')).toMatchObject({ state: 'unproven', unproven: 2 });
    expect(bob.origin('real')).toMatchObject({ state: 'unproven', unproven: 1 });
    expect(await bob.fc.openFrame('dana', (await forge(902, 1))[0]!, AUDIO, 'ahead')).toBeNull();
    expect(bob.drops()).toMatchObject({ 'origin-unproven': 2, 'origin-forged': 0 });
    // Dana's next run covers the frame held back: her feed plays again; the forger's counters stay uncovered.
    await forward(dana.fc.takeSentFrames());
    expect(bob.origin('real')).toMatchObject({ state: 'proven', proven: 1 });
    expect(await bob.fc.openFrame('dana', await seal(4), AUDIO, 'real')).not.toBeNull();
    expect(await bob.fc.openFrame('dana', (await forge(903, 1))[0]!, AUDIO, 'ahead')).toBeNull();
  });

  it('a frame that opens after its digest arrived is judged against that digest at once', async () => {
    const { clock, dana, bob, forward, seal } = await room();
    const real = [await seal(0), await seal(1), await seal(2)];
    await forward(dana.fc.takeSentFrames());
    expect(await bob.fc.openFrame('dana', (await forge(1, 1))[0]!, AUDIO, 'fake')).toBeNull();
    expect(bob.origin('fake')).toMatchObject({ state: 'forged', forged: 1 });
    for (const i of [0, 2]) expect(await bob.fc.openFrame('dana', real[i]!, AUDIO, 'real')).not.toBeNull();
    bob.fc.flush();
    expect(bob.origin('real')).toMatchObject({ state: 'proven', proven: 2 });
    expect(bob.tracker().footprint().records).toBe(0);
    clock.t += FRAME_ORIGIN_LIMITS.deadlineMs;
    bob.tracker().expire();
    expect(bob.tracker().footprint().runs).toBe(0);
  });

  it("a run for another sender or another KID proves nothing; zero prefixes never prove", async () => {
    const { clock, dana, bob, forward, seal } = await room();
    await bob.fc.openFrame('dana', await seal(), AUDIO, 'real');
    const runs = dana.fc.takeSentFrames();
    await forward(runs, 'erin');
    await forward(runs.map((r) => ({ ...r, kid: KID + 1 })));
    expect(bob.tracker().stateOf('dana', 'real')).toBe('pending');
    clock.t += FRAME_ORIGIN_LIMITS.deadlineMs;
    bob.fc.flush();
    expect(bob.origin('real')!.state).toBe('unproven');
    await bob.fc.openFrame('dana', await seal(1), AUDIO, 'real');
    await forward(dana.fc.takeSentFrames().map((r) => ({ ...r, tags: new Uint8Array(r.tags.length) })));
    expect(bob.origin('real')).toMatchObject({ state: 'forged', forged: 1, proven: 0 });
    // Even a frame whose own prefix were zero is not proven by a zero entry (that means "nothing sealed here").
    const tr = new OriginTracker(() => 0);
    tr.opened('dana', 'f', KID, 7, new Uint8Array(8));
    tr.digest('dana', KID, 7, new Uint8Array(8));
    expect(tr.stateOf('dana', 'f')).toBe('forged');
  });

  it('drop-sender forgets its frames, digests and verdicts', async () => {
    const { dana, bob, forward, seal } = await room();
    await bob.fc.openFrame('dana', (await forge(0, 1))[0]!, AUDIO, 'real');
    await forward(dana.fc.takeSentFrames()); // nothing sealed yet: no run
    await seal();
    await forward(dana.fc.takeSentFrames());
    expect(bob.origin('real')!.state).toBe('forged');
    await bob.fc.openFrame('dana', await seal(1), AUDIO, 'real');
    await bob.key({ type: 'drop-sender', senderId: 'dana' });
    expect(bob.tracker().footprint()).toEqual({ senders: 0, feeds: 0, records: 0, runs: 0 });
    await bob.key({ type: 'set-receive-key', senderId: 'dana', kid: KID, baseKey: BASE.slice() });
    expect(await bob.fc.openFrame('dana', await seal(2), AUDIO, 'real')).not.toBeNull();
    expect(bob.tracker().stateOf('dana', 'real')).toBe('pending');
    await forward(dana.fc.takeSentFrames());
    expect(bob.tracker().stateOf('dana', 'real')).toBe('proven');
  });

  it('malformed sender-frames are refused as invalid-message and change nothing', async () => {
    const { dana, bob, seal } = await room();
    await bob.fc.openFrame('dana', await seal(), AUDIO, 'real');
    const [run] = dana.fc.takeSentFrames();
    const good = { ...run!, type: 'sender-frames', senderId: 'dana' };
    for (const bad of [
      { ...good, tags: new Uint8Array(7) }, { ...good, tags: new Uint8Array(0) }, { ...good, tags: new Uint8Array(8 * (MAX + 1)) },
      { ...good, firstCtr: -1 }, { ...good, firstCtr: 2 ** 48 }, { ...good, kid: 2 ** 32 }, { ...good, senderId: '../x' },
      { ...good, tags: [...run!.tags] }, { ...good, extra: 1 }, { ...good, type: 'sent-frames' }
    ]) await bob.key(bad);
    expect(bob.replies).toEqual(Array(10).fill({ type: 'key-refused', reason: 'invalid-message' }));
    expect(bob.tracker().footprint()).toMatchObject({ records: 1, runs: 0 });
    expect(bob.tracker().stateOf('dana', 'real')).toBe('pending');
    await bob.key(good);
    expect(bob.tracker().stateOf('dana', 'real')).toBe('proven');
  });

  it('without require-origin from main (a worker a test keys itself) verdicts are reported but nothing is held back', async () => {
    const clock = { t: 0 };
    const bob = member(clock);
    await bob.key({ type: 'set-receive-key', senderId: 'dana', kid: KID, baseKey: BASE.slice() });
    await bob.fc.openFrame('dana', (await forge(0, 1))[0]!, AUDIO, 'x');
    clock.t += FRAME_ORIGIN_LIMITS.deadlineMs;
    bob.fc.flush();
    expect(bob.origin('x')!.state).toBe('unproven');
    expect(await bob.fc.openFrame('dana', (await forge(1, 1))[0]!, AUDIO, 'x')).not.toBeNull();
  });

  it('reports a feed on every change, and on the flush only when its counts moved', () => {
    const seen: FrameOriginStatus[] = [];
    const tr = new OriginTracker(() => 0, (s) => seen.push(s));
    tr.opened('dana', 'f', KID, 0, tag(0));
    tr.opened('dana', 'f', KID, 1, tag(1));
    expect(seen).toEqual([]);
    tr.flush();
    tr.flush();
    expect(seen).toEqual([{ type: 'origin-status', senderId: 'dana', feedId: 'f', state: 'pending', proven: 0, forged: 0, unproven: 0 }]);
    const digest = new Uint8Array(16);
    digest.set(tag(0));
    digest.set(tag(1), 8);
    tr.digest('dana', KID, 0, digest);
    expect(seen.map((s) => [s.state, s.proven])).toEqual([['pending', 0], ['proven', 1]]);
    tr.flush();
    tr.flush();
    expect(seen.map((s) => [s.state, s.proven])).toEqual([['pending', 0], ['proven', 1], ['proven', 2]]);
  });

  it('bounds: floods of frames, feeds, senders and digests stay within the limits; a forged verdict is not flooded away', () => {
    let t = 0;
    const tr = new OriginTracker(() => t);
    tr.opened('dana', 'forged', KID, 0, tag(0));
    tr.digest('dana', KID, 0, tag(1));
    for (let i = 1; i < FRAME_ORIGIN_LIMITS.pendingPerSender + 100; i++) tr.opened('dana', `f${i % 40}`, KID, 1000 + i, tag(i));
    expect(tr.footprint()).toMatchObject({ senders: 1, feeds: FEEDS_PER_SENDER, records: FRAME_ORIGIN_LIMITS.pendingPerSender });
    expect(tr.stateOf('dana', 'forged')).toBe('forged');
    for (let i = 0; i < 3 * RECENT_RUNS_PER_SENDER; i++) tr.digest('dana', KID, 100_000 + i, tag(i));
    expect(tr.footprint().runs).toBe(RECENT_RUNS_PER_SENDER);
    for (let s = 0; s < MAX_SENDERS + 50; s++) { tr.opened(`s${s}`, 'f', KID, 0, tag(0)); tr.digest(`s${s}`, KID, 5, tag(5)); }
    expect(tr.footprint().senders).toBe(MAX_SENDERS);
    expect(tr.footprint().runs).toBeLessThanOrEqual(MAX_SENDERS * RECENT_RUNS_PER_SENDER);
    t += FRAME_ORIGIN_LIMITS.deadlineMs;
    tr.expire();
    expect(tr.footprint()).toMatchObject({ records: 0, runs: 0 });
  });
});
