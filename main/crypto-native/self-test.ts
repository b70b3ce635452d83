// Start-up self-test of a whole CryptoBackend against known answers and noble: any deviation or exception disables it.
import { ctEqual, nobleBackend, ZeroSharedSecretError, type CryptoBackend } from '../crypto';
import { selfTestAead } from './node-aead';

const hexBytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

/** Signatures the Ed25519 rule refuses but some raw primitive accepts (from test/vectors/veil/ed25519-rule.json). */
const MUST_REFUSE: readonly { pub: string; msg: string; sig: string }[] = [
  // small-order R = identity with S = k·a: raw OpenSSL and noble accept
  { pub: '2152f8d19b791d24453242e15f2eab6cb7cffa7b6a5ed30097960e069881db12', msg: '7665696c206564323535313920656467652063617365',
    sig: '0100000000000000000000000000000000000000000000000000000000000000136e31043e3878eca7b00e0a82bf7f40fbccf009185c8ef3e7a8dbdce76a2104' },
  // mixed-order R: the cofactored equation (raw noble) accepts
  { pub: '2152f8d19b791d24453242e15f2eab6cb7cffa7b6a5ed30097960e069881db12', msg: '7665696c206564323535313920656467652063617365',
    sig: 'c2ecc2af9bfefd06ee0f9cbb9adf4abda71f6a01db3f1a78458754856f6bd5c471c2789738255fc7eebdc40665dcf1deac207f5703085cf66438c97ec69e0701' },
  // mixed-order A with k ≡ 0 (mod 8): raw OpenSSL, libsodium and noble all accept
  { pub: '70800703461b8dcbf9a4a6661ef74b8f946a38ccda26da8f3a8a8f5fcd945766', msg: '6d697865642d6f72646572206b65792030',
    sig: 'c4c1227d7fff941a976049ecefad7b663fa5121d769cbbd79a53d344e4773e982a0d4b4449cb862bbac052b20a2633beb2b3507f75bdb81230d7b9a510bc1803' }
];

/**
 * Start-up self-test against noble: RFC 8032 TEST 1 (key, signature), signatures that must verify both ways,
 * the A = R = identity, S = 0 forgery and the torsion cases the rule refuses, RFC 7748 §6.1 key agreement and all-zero rejection, HKDF, and the AEAD self-test.
 */
export function selfTestBackend(b: CryptoBackend): boolean {
  try {
    const seed = hexBytes('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
    const pub = b.ed25519PublicKey(seed);
    if (!ctEqual(pub, hexBytes('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'))) return false;
    const sig = b.ed25519Sign(new Uint8Array(0), seed);
    if (!ctEqual(sig, nobleBackend.ed25519Sign(new Uint8Array(0), seed))) return false;
    if (!b.ed25519Verify(sig, new Uint8Array(0), pub) || b.ed25519Verify(sig, new Uint8Array(1), pub)) return false;
    const other = nobleBackend.ed25519Sign(new Uint8Array(3), seed);
    if (!b.ed25519Verify(other, new Uint8Array(3), pub)) return false;
    const identity = hexBytes('01'.padEnd(64, '0'));
    if (b.ed25519Verify(new Uint8Array([...identity, ...new Uint8Array(32)]), new Uint8Array(0), identity)) return false;
    if (MUST_REFUSE.some((c) => b.ed25519Verify(hexBytes(c.sig), hexBytes(c.msg), hexBytes(c.pub)))) return false;
    const alice = hexBytes('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    const bob = hexBytes('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
    const shared = hexBytes('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');
    if (!ctEqual(b.x25519(alice, b.x25519PublicKey(bob)), shared) || !ctEqual(b.x25519(bob, b.x25519PublicKey(alice)), shared)) return false;
    let zeroRefused = false;
    try {
      b.x25519(alice, new Uint8Array(32));
    } catch (err) {
      zeroRefused = err instanceof ZeroSharedSecretError;
    }
    if (!zeroRefused) return false;
    const okm = b.hkdfSha256?.(hexBytes('0b'.repeat(22)), hexBytes('000102030405060708090a0b0c'), hexBytes('f0f1f2f3f4f5f6f7f8f9'), 42);
    if (okm && Buffer.from(okm).toString('hex') !== '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865') return false;
    b.forget?.(seed);
    return !b.aead || selfTestAead(b.aead);
  } catch {
    return false;
  }
}
