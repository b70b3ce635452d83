// Start-up choice of the crypto backend: libsodium, else node:crypto, else noble, each only after its self-test passed.
import { nobleBackend, type CryptoBackend } from '../crypto';
import { tryCreateNodeAead } from './node-aead';
import { tryCreateNodeBackend } from './node-backend';
import { selfTestBackend } from './self-test';
import { tryCreateSodiumBackend, type SodiumApi } from './sodium-backend';

export interface BackendSources {
  /** Loads sodium-native; null means "not available here". */
  loadSodium?: () => SodiumApi | null;
  nodeBackend?: () => CryptoBackend | null;
  nodeAead?: typeof tryCreateNodeAead;
}

/**
 * 1. sodium: everything (Ed25519, X25519, HKDF, ChaCha20-Poly1305) from libsodium when it loads and self-tests;
 * 2. node: node:crypto Ed25519/X25519/HKDF, with its ChaCha20-Poly1305 when listed and self-tested (plain Node), else noble's;
 * 3. noble. Every choice verifies Ed25519 by the same rule and gives the same bytes, so peers on any backend interoperate.
 */
export function createDefaultBackend(sources: BackendSources = {}): CryptoBackend {
  const sodium = sources.loadSodium ? tryCreateSodiumBackend(sources.loadSodium) : tryCreateSodiumBackend();
  if (sodium) return sodium;
  const node = (sources.nodeBackend ?? tryCreateNodeBackend)();
  const base = node && selfTestBackend(node) ? node : nobleBackend;
  const aead = (sources.nodeAead ?? tryCreateNodeAead)();
  return aead ? { ...base, aead } : base;
}
