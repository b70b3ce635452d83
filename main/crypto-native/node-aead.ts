// ChaCha20-Poly1305 over node:crypto where it exists (OpenSSL in plain Node; Electron's BoringSSL lacks it), self-tested against noble.
import { createCipheriv, createDecipheriv, getCiphers } from 'node:crypto';
import { ctEqual, nobleAead, type Aead } from '../crypto';

const ALG = 'chacha20-poly1305';
const TAG = 16;

/** A plain Uint8Array over a node Buffer: a view when the Buffer owns its memory, else a copy (the source is wiped). */
function own(b: Buffer): Uint8Array {
  if (b.byteOffset === 0 && b.buffer.byteLength === b.length) return new Uint8Array(b.buffer, 0, b.length);
  const out = new Uint8Array(b.length);
  out.set(b);
  b.fill(0);
  return out;
}

/** node:crypto's ChaCha20-Poly1305; throws at use time if the cipher is missing (callers go through tryCreateNodeAead). */
export function createNodeAead(): Aead {
  return {
    name: 'node',
    seal(key, nonce, aad, plaintext) {
      const c = createCipheriv(ALG, key, nonce, { authTagLength: TAG });
      c.setAAD(aad, { plaintextLength: plaintext.length });
      const ct = c.update(plaintext);
      const fin = c.final();
      const out = new Uint8Array(plaintext.length + TAG);
      out.set(ct, 0);
      if (fin.length > 0) out.set(fin, ct.length);
      out.set(c.getAuthTag(), plaintext.length);
      return out;
    },
    open(key, nonce, aad, sealed) {
      if (sealed.length < TAG) return null;
      const n = sealed.length - TAG;
      const d = createDecipheriv(ALG, key, nonce, { authTagLength: TAG });
      d.setAAD(aad, { plaintextLength: n });
      d.setAuthTag(sealed.subarray(n));
      // update() hands out plaintext before the tag is checked: it never leaves this function unless final() verifies.
      const pt = d.update(sealed.subarray(0, n));
      let fin: Buffer;
      try {
        fin = d.final();
      } catch {
        pt.fill(0);
        return null;
      }
      if (fin.length === 0) return own(pt);
      const out = new Uint8Array(n);
      out.set(pt, 0);
      out.set(fin, pt.length);
      pt.fill(0);
      return out;
    }
  };
}

const hexBytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

/**
 * Start-up self-test: RFC 8439 §2.8.2 (key, nonce, AAD, expected tag) and a few lengths, byte-identical to noble;
 * a flipped tag, ciphertext or AAD bit must fail to open. Any deviation or exception disables the node AEAD.
 */
export function selfTestAead(aead: Aead): boolean {
  try {
    const key = hexBytes('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
    const nonce = hexBytes('070000004041424344454647');
    const aad = hexBytes('50515253c0c1c2c3c4c5c6c7');
    const rfcPt = new Uint8Array(Buffer.from("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.", 'latin1'));
    const rfcTag = hexBytes('1ae10b594f09e26a7e902ecbd0600691');
    const rfcCt0 = hexBytes('d31a8d34648e60db7b86afbc53ef7ec2');
    for (const pt of [rfcPt, new Uint8Array(0), new Uint8Array(1).fill(0xa5), new Uint8Array(1000).fill(0x3c)]) {
      const sealed = aead.seal(key, nonce, aad, pt);
      if (!ctEqual(sealed, nobleAead.seal(key, nonce, aad, pt))) return false;
      if (pt === rfcPt && (!ctEqual(sealed.subarray(pt.length), rfcTag) || !ctEqual(sealed.subarray(0, 16), rfcCt0))) return false;
      const opened = aead.open(key, nonce, aad, sealed);
      if (!opened || !ctEqual(opened, pt)) return false;
      for (const i of [sealed.length - 1, 0]) {
        if (pt.length === 0 && i === 0) continue;
        const bad = sealed.slice();
        bad[i]! ^= 1;
        if (aead.open(key, nonce, aad, bad) !== null) return false;
      }
      const badAad = aad.slice();
      badAad[0]! ^= 1;
      if (aead.open(key, nonce, badAad, sealed) !== null) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/** The node AEAD when node:crypto lists chacha20-poly1305 and the self-test passes, else null (callers use noble). */
export function tryCreateNodeAead(ciphers: () => string[] = getCiphers): Aead | null {
  try {
    if (!ciphers().includes(ALG)) return null;
  } catch {
    return null;
  }
  const aead = createNodeAead();
  return selfTestAead(aead) ? aead : null;
}
