// Types for the parts of sodium-native (libsodium over N-API) that sodium-backend.ts uses; the package ships none.
declare module 'sodium-native' {
  type Bytes = Uint8Array;
  export const crypto_sign_PUBLICKEYBYTES: number;
  export const crypto_sign_SECRETKEYBYTES: number;
  export const crypto_sign_BYTES: number;
  export const crypto_aead_chacha20poly1305_ietf_ABYTES: number;
  export function sodium_memzero(buf: Bytes): void;
  export function randombytes_buf(buf: Bytes): void;
  export function crypto_sign_seed_keypair(pk: Bytes, sk: Bytes, seed: Bytes): void;
  export function crypto_sign_detached(sig: Bytes, m: Bytes, sk: Bytes): void;
  export function crypto_sign_verify_detached(sig: Bytes, m: Bytes, pk: Bytes): boolean;
  export function crypto_scalarmult_base(q: Bytes, n: Bytes): void;
  /** Throws when the result is all zero (libsodium returns -1). */
  export function crypto_scalarmult(q: Bytes, n: Bytes, p: Bytes): void;
  export function crypto_aead_chacha20poly1305_ietf_encrypt(c: Bytes, m: Bytes, ad: Bytes | null, nsec: null, npub: Bytes, k: Bytes): number;
  /** Throws when the tag does not verify; the plaintext buffer is written only after it did. */
  export function crypto_aead_chacha20poly1305_ietf_decrypt(m: Bytes, nsec: null, c: Bytes, ad: Bytes | null, npub: Bytes, k: Bytes): number;
}
