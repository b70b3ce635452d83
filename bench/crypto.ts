// Crypto bench: our E2EE operations (libsodium, node:crypto and noble backends) against the same construction in plain node:crypto.
import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, sign,
  verify, type KeyObject } from 'node:crypto';
import { bundleBytes, deriveSessionKeys, envelopeOverhead, generateEphemeral, generateIdentity, nobleBackend, openEnvelope, ReplayWindow,
  sealEnvelope, signBundle, verifyBundle, type CryptoBackend, type EnvelopeHeader } from '../main/crypto';
import { tryCreateNodeAead } from '../main/crypto-native/node-aead';
import { createNodeBackend } from '../main/crypto-native/node-backend';
import { tryCreateSodiumBackend } from '../main/crypto-native/sodium-backend';
import { toB64u } from '../protocol/encoding';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadavg } from 'node:os';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
/** Median ms per call over `samples` samples of `batch` calls each, after a warm-up. */
function time(fn: () => void, samples = 41, batch = 5): number {
  for (let i = 0; i < batch * 3; i++) fn();
  const out: number[] = [];
  for (let s = 0; s < samples; s++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) fn();
    out.push(Number(process.hrtime.bigint() - t0) / 1e6 / batch);
  }
  return median(out);
}

/** Interleaves samples of several functions (round-robin) so all see the same load; returns their medians. */
function timeMany(fns: (() => void)[], samples = 61, batch = 5): number[] {
  for (let i = 0; i < batch * 3; i++) for (const fn of fns) fn();
  const out: number[][] = fns.map(() => []);
  for (let s = 0; s < samples; s++) {
    fns.forEach((fn, k) => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < batch; i++) fn();
      out[k]!.push(Number(process.hrtime.bigint() - t0) / 1e6 / batch);
    });
  }
  return out.map(median);
}

const ms = (x: number) => (x >= 1 ? x.toFixed(2) : x.toFixed(3)) + ' ms';
const ED_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');

function fixture(b: CryptoBackend) {
  const [ia, ib] = [generateIdentity(b), generateIdentity(b)];
  const [ea, eb] = [generateEphemeral(b), generateEphemeral(b)];
  const unsigned = { v: 1 as const, identityKey: toB64u(ib.publicKey), roomId: 'bench-room', keyId: toB64u(eb.keyId), epoch: 1,
    ephemeralKey: toB64u(eb.publicKey), createdAt: Date.now(), expiresAt: Date.now() + 3600_000 };
  const bundle = signBundle(b, ib.seed, unsigned);
  const peer = { identityKey: ib.publicKey, ephemeralKey: eb.publicKey, keyId: eb.keyId };
  const ka = deriveSessionKeys(b, 'bench-room', { identityKey: ia.publicKey, ephemeral: ea }, peer);
  const kb = deriveSessionKeys(b, 'bench-room', { identityKey: ib.publicKey, ephemeral: eb }, { identityKey: ia.publicKey, ephemeralKey: ea.publicKey, keyId: ea.keyId });
  return { ia, ib, ea, eb, unsigned, bundle, peer, ka, kb };
}

/** Sealed then opened with a fresh counter each call, as a real exchange would. */
function ourRoundTrip(b: CryptoBackend, f: ReturnType<typeof fixture>, size: number, signed: boolean) {
  const pt = randomBytes(size);
  let counter = 0;
  const window = new ReplayWindow();
  const ctx = { recvKey: f.kb.recvKey, window, peerIdentityKey: f.ia.publicKey };
  const opts = { now: Date.now(), freshnessTtlMs: 300_000, maxBytes: 1 << 20, requireSignature: false, resolve: (_h: EnvelopeHeader) => ctx };
  return () => {
    counter++;
    const env = sealEnvelope(b, { sendKey: f.ka.sendKey, counter, sentAt: opts.now, senderKeyId: f.ea.keyId, recipientKeyId: f.eb.keyId,
      ...(signed ? { signingSeed: f.ia.seed } : {}) }, pt);
    openEnvelope(b, env, opts).commit();
  };
}

/** The same construction in plain node:crypto: ChaCha20-Poly1305 with a 50-byte AAD header, plus Ed25519 over header‖body. */
function nodeRoundTrip(size: number, signed: boolean) {
  const pt = randomBytes(size);
  const key = randomBytes(32);
  const header = randomBytes(50);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  let counter = 0;
  return () => {
    const nonce = Buffer.alloc(12);
    nonce.writeUInt32BE(++counter, 8);
    const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
    c.setAAD(header, { plaintextLength: pt.length });
    const body = Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]);
    let sig: Buffer | null = null;
    if (signed) sig = sign(null, Buffer.concat([header, body]), privateKey);
    if (sig && !verify(null, Buffer.concat([header, body]), publicKey, sig)) throw new Error('verify');
    const d = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
    d.setAAD(header, { plaintextLength: pt.length });
    d.setAuthTag(body.subarray(body.length - 16));
    Buffer.concat([d.update(body.subarray(0, body.length - 16)), d.final()]);
  };
}

export interface BenchRow { op: string; sodium: number | null; nodeAead: number | null; nobleAead: number; noble: number; node: number; seed: string }

const gcFn = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** Several full GCs with turns of the event loop in between, so freed ArrayBuffer backing stores are really released. */
async function settle(): Promise<void> {
  for (let i = 0; i < 6; i++) {
    gcFn();
    await new Promise((r) => setImmediate(r));
  }
}

interface Mem { heap: number; external: number; v8used: number }
async function measure(): Promise<Mem> {
  await settle();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, external: m.external, v8used: getHeapStatistics().used_heap_size };
}

/** A session as main/e2ee/peers.ts holds it: two direction keys, ids, a replay window and bookkeeping. */
function makeSession() {
  return { keys: { sendKey: new Uint8Array(randomBytes(32)), recvKey: new Uint8Array(randomBytes(32)) },
    counters: { sendCounter: 0, window: new ReplayWindow() }, peerKeyId: new Uint8Array(randomBytes(16)), myKeyId: new Uint8Array(randomBytes(16)),
    peerKeyIdB64: toB64u(randomBytes(16)), peerEpoch: 1, peerExpiresAt: 0, graceUntil: null };
}

/**
 * Memory per session: N sessions held in an array minus the same array of N empty objects, after settled GCs;
 * the median of several rounds. Reports JS heap + off-heap (ArrayBuffer backing stores) and v8's used_heap_size delta.
 */
async function memoryPerSession(n = 20_000, rounds = 5): Promise<{ total: number; heap: number; external: number; v8: number; n: number }> {
  const totals: number[] = [];
  const heaps: number[] = [];
  const externals: number[] = [];
  const v8s: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let keep: unknown[] = [];
    for (let i = 0; i < n; i++) keep.push({});
    const base = await measure();
    keep = [];
    for (let i = 0; i < n; i++) keep.push(makeSession());
    const full = await measure();
    if (keep.length !== n) throw new Error('unreachable');
    keep = [];
    heaps.push((full.heap - base.heap) / n);
    externals.push((full.external - base.external) / n);
    totals.push((full.heap - base.heap + full.external - base.external) / n);
    v8s.push((full.v8used - base.v8used) / n);
  }
  return { total: median(totals), heap: median(heaps), external: median(externals), v8: median(v8s), n };
}

export async function runCryptoBench(): Promise<string> {
  const nodeAead = tryCreateNodeAead();
  const native = createNodeBackend();
  const nativeNodeAead: CryptoBackend | null = nodeAead ? { ...native, aead: nodeAead } : null;
  const sodium = tryCreateSodiumBackend();
  const fn = fixture(native);
  const fs = sodium ? fixture(sodium) : null;
  const fb = fixture(nobleBackend);
  const edKey = createPrivateKey({ key: Buffer.concat([ED_PKCS8, Buffer.from(fn.ib.seed)]), format: 'der', type: 'pkcs8' });
  const edPub: KeyObject = createPublicKey(edKey);
  const bytes = bundleBytes(fn.unsigned);
  const bsig = sign(null, bytes, edKey);
  const xa = generateKeyPairSync('x25519');
  const xb = generateKeyPairSync('x25519');
  const rows: BenchRow[] = [];
  /** libsodium, ours with the node AEAD, ours with the noble AEAD (native asymmetric) and node:crypto, interleaved; noble-only separately (slow). */
  const row = (op: string, seed: string, ours: (b: CryptoBackend, f: ReturnType<typeof fixture>) => () => void, base: () => void, batch = 5,
    aeadMatters = false) => {
    const fns = [ours(native, fn), base];
    const sodiumAt = sodium && fs ? fns.push(ours(sodium, fs)) - 1 : -1;
    const nodeAt = aeadMatters && nativeNodeAead ? fns.push(ours(nativeNodeAead, fn)) - 1 : -1;
    const t = timeMany(fns, 61, batch);
    rows.push({ op, seed, nobleAead: t[0]!, nodeAead: aeadMatters ? (nodeAt >= 0 ? t[nodeAt]! : null) : t[0]!, node: t[1]!,
      sodium: sodiumAt >= 0 ? t[sodiumAt]! : null, noble: time(ours(nobleBackend, fb), 15, batch) });
  };
  row('keygen (Ed25519 identity + X25519 room key)', '1–2 ms', (b) => () => { generateIdentity(b); generateEphemeral(b); },
    () => { generateKeyPairSync('ed25519'); generateKeyPairSync('x25519'); });
  row('bundle sign', 'sign 0.05–0.1 ms', (b, f) => () => signBundle(b, f.ib.seed, f.unsigned), () => sign(null, bundleBytes(fn.unsigned), edKey));
  row('bundle verify', 'verify 0.1–0.2 ms', (b, f) => () => { if (!verifyBundle(b, f.bundle)) throw new Error('bundle'); },
    () => { if (!verify(null, bundleBytes(fn.unsigned), edPub, bsig)) throw new Error('v'); });
  row('session setup (verify bundle + X25519 + HKDF)', 'ECDH 0.2–0.5 ms', (b, f) => () => {
    if (!verifyBundle(b, f.bundle)) throw new Error('bundle');
    deriveSessionKeys(b, 'bench-room', { identityKey: f.ia.publicKey, ephemeral: f.ea }, f.peer);
  }, () => {
    if (!verify(null, bytes, edPub, bsig)) throw new Error('v');
    const shared = diffieHellman({ privateKey: xa.privateKey, publicKey: xb.publicKey });
    hkdfSync('sha256', shared, Buffer.from('salt'), Buffer.alloc(200), 64);
  });
  for (const [size, label] of [[200, '200 B'], [16 * 1024, '16 KiB'], [64 * 1024, '64 KiB']] as const) {
    for (const signed of [true, false]) {
      row(`seal+open ${label} ${signed ? 'signed' : 'AEAD only'}`, signed ? '< 2 ms per message' : 'enc+dec 0.1–0.2 ms',
        (b, f) => ourRoundTrip(b, f, size, signed), nodeRoundTrip(size, signed), size > 1024 ? 2 : 5, true);
    }
  }
  const mem = await memoryPerSession();

  const r = (x: number | null, base: number) => (x === null ? 'n/a' : `${(x / base).toFixed(2)}×`);
  const lines = [
    `Crypto bench (node ${process.version}, OpenSSL ${process.versions.openssl ?? '?'}; medians; "libsodium", "node AEAD", "noble AEAD" and node:crypto are sampled interleaved, "noble only" separately; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`,
    '',
    '| operation | ours, libsodium (default) | ours, node AEAD (plain Node) | ours, noble AEAD | ours, noble only | node:crypto | ratio libsodium | ratio node AEAD | ratio noble AEAD | seed target |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((x) => `| ${x.op} | ${x.sodium === null ? 'n/a' : ms(x.sodium)} | ${x.nodeAead === null ? 'n/a' : ms(x.nodeAead)} | ${ms(x.nobleAead)} | ${ms(x.noble)} | ${ms(x.node)} | ${r(x.sodium, x.node)} | ${r(x.nodeAead, x.node)} | ${r(x.nobleAead, x.node)} | ${x.seed} |`),
    '',
    'Columns: "libsodium" = sodium-native Ed25519/X25519/ChaCha20-Poly1305 + node:crypto HKDF (what createMainServices selects when it loads and self-tests);',
    '"node AEAD" = node:crypto Ed25519/X25519/HKDF + node:crypto ChaCha20-Poly1305 (what plain Node and the test harness get);',
    '"noble AEAD" = node:crypto Ed25519/X25519/HKDF + @noble ChaCha20-Poly1305; "noble only" = everything @noble. Ratios are ÷ node:crypto of the',
    'same construction (ChaCha20-Poly1305 with the 50-byte header as AAD, plus Ed25519 over header‖body when signed). Rows without an AEAD show the same time in both.',
    `This run: libsodium ${sodium ? 'loaded and self-tested, so createMainServices uses it here (in Electron too: the N-API build loads there)' : 'NOT available'}; ` +
      `node:crypto ChaCha20-Poly1305 ${nodeAead ? 'available' : 'NOT available'} (the fallback when libsodium does not load; Electron's BoringSSL lacks it, so there the fallback is "noble AEAD").`,
    '',
    `Envelope overhead: ${envelopeOverhead(true)} bytes signed, ${envelopeOverhead(false)} bytes AEAD only (50 header + 16 tag [+ 64 signature]).`,
    `Memory per session: ~${Math.round(mem.total)} bytes (JS heap ${Math.round(mem.heap)} + off-heap ${Math.round(mem.external)}; v8 used_heap_size delta ${Math.round(mem.v8)}) ` +
      `for keys, 1024-bit replay window, ids and bookkeeping: ${mem.n} sessions held in an array minus the same array of empty objects, after repeated GCs, median of 5 rounds.`
  ];
  return lines.join('\n');
}
