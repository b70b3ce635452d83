// Crypto bench: our E2EE operations (native and noble backends) against the same construction in plain node:crypto.
import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, sign,
  verify, type KeyObject } from 'node:crypto';
import { bundleBytes, deriveSessionKeys, envelopeOverhead, generateEphemeral, generateIdentity, nobleBackend, openEnvelope, ReplayWindow,
  sealEnvelope, signBundle, verifyBundle, type CryptoBackend, type EnvelopeHeader } from '../main/crypto';
import { createNodeBackend } from '../main/crypto-native/node-backend';
import { toB64u } from '../protocol/encoding';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

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

/** Interleaves samples of two functions so both see the same load on a shared, noisy machine. */
function timePair(a: () => void, b: () => void, samples = 61, batch = 5): [number, number] {
  for (let i = 0; i < batch * 3; i++) { a(); b(); }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let s = 0; s < samples; s++) {
    for (const [fn, out] of [[a, ta], [b, tb]] as const) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < batch; i++) fn();
      out.push(Number(process.hrtime.bigint() - t0) / 1e6 / batch);
    }
  }
  return [median(ta), median(tb)];
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

export interface BenchRow { op: string; native: number; noble: number; node: number; seed: string }

export function runCryptoBench(): string {
  const native = createNodeBackend();
  const fn = fixture(native);
  const fb = fixture(nobleBackend);
  const edKey = createPrivateKey({ key: Buffer.concat([ED_PKCS8, Buffer.from(fn.ib.seed)]), format: 'der', type: 'pkcs8' });
  const edPub: KeyObject = createPublicKey(edKey);
  const bytes = bundleBytes(fn.unsigned);
  const bsig = sign(null, bytes, edKey);
  const xa = generateKeyPairSync('x25519');
  const xb = generateKeyPairSync('x25519');
  const rows: BenchRow[] = [];
  const row = (op: string, seed: string, ours: (b: CryptoBackend, f: ReturnType<typeof fixture>) => () => void, base: () => void, batch = 5) => {
    const [nat, nd] = timePair(ours(native, fn), base, 61, batch);
    rows.push({ op, seed, native: nat, noble: time(ours(nobleBackend, fb), 15, batch), node: nd });
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
        (b, f) => ourRoundTrip(b, f, size, signed), nodeRoundTrip(size, signed), size > 1024 ? 2 : 5);
    }
  }
  // Memory per session: direction keys, replay window and bookkeeping, measured over many sessions.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const n = 5000;
  const keep: unknown[] = [];
  gc();
  const before = process.memoryUsage();
  for (let i = 0; i < n; i++) keep.push({ keys: { sendKey: new Uint8Array(32), recvKey: new Uint8Array(32) }, counters: { sendCounter: 0, window: new ReplayWindow() },
    peerKeyId: new Uint8Array(16), myKeyId: new Uint8Array(16), peerKeyIdB64: toB64u(randomBytes(16)), peerEpoch: 1, peerExpiresAt: 0, graceUntil: null });
  gc();
  const after = process.memoryUsage();
  const perSession = ((after.heapUsed - before.heapUsed) + (after.arrayBuffers - before.arrayBuffers)) / n;
  keep.length = 0;

  const lines = [
    `Crypto bench (node ${process.version}; medians, ours and node:crypto sampled interleaved; ratio = ours with the native backend ÷ plain node:crypto of the same construction)`,
    '',
    '| operation | ours (native backend) | ours (noble only) | node:crypto | ratio | seed target |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.op} | ${ms(r.native)} | ${ms(r.noble)} | ${ms(r.node)} | ${(r.native / r.node).toFixed(2)}× | ${r.seed} |`),
    '',
    `Envelope overhead: ${envelopeOverhead(true)} bytes signed, ${envelopeOverhead(false)} bytes AEAD only (50 header + 16 tag [+ 64 signature]).`,
    `Memory per session: ~${Math.round(perSession)} bytes (keys, 1024-bit replay window, ids) measured over ${n} sessions.`
  ];
  return lines.join('\n');
}
