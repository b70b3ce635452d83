// Test key material: valid-looking wire bundles and notices from real ed25519/x25519 keys, and real join proofs.
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { randomBytes } from 'node:crypto';
import { toB64u } from '../../protocol/encoding';
import { joinProofBytes, type JoinProofFields } from '../../protocol/join-proof';
import type { WireKeyBundle, WireRevocationNotice, WireRotationNotice } from '../../protocol/keys';

const enc = new TextEncoder();

export class TestIdentity {
  readonly secret = ed25519.utils.randomSecretKey();
  readonly identityKey = toB64u(ed25519.getPublicKey(this.secret));
  epoch = 0;
  current: WireKeyBundle | null = null;

  private sign(fields: object): string {
    return toB64u(ed25519.sign(enc.encode(JSON.stringify(fields)), this.secret));
  }

  bundle(roomId: string, epoch = this.epoch, now = Date.now()): WireKeyBundle {
    const eph = x25519.getPublicKey(x25519.utils.randomSecretKey());
    const body = {
      v: 1 as const, identityKey: this.identityKey, roomId, keyId: toB64u(randomBytes(16)), epoch,
      ephemeralKey: toB64u(eph), createdAt: now, expiresAt: now + 24 * 3600_000
    };
    this.current = { ...body, signature: this.sign(body) };
    this.epoch = epoch;
    return this.current;
  }

  /** A real join proof (the server verifies it): Ed25519 over protocol/join-proof.ts's layout. */
  joinProof(fields: Omit<JoinProofFields, 'identityKey'>): string {
    return toB64u(ed25519.sign(joinProofBytes({ ...fields, identityKey: this.identityKey }), this.secret));
  }

  rotation(roomId: string, epoch = this.epoch + 1): WireRotationNotice {
    const previousKeyId = this.current?.keyId ?? toB64u(randomBytes(16));
    const bundle = this.bundle(roomId, epoch);
    const body = { v: 1 as const, type: 'rotate' as const, identityKey: this.identityKey, roomId, epoch, previousKeyId, bundle, issuedAt: Date.now() };
    return { ...body, signature: this.sign(body) };
  }

  revocation(roomId: string, epoch = this.epoch + 1): WireRevocationNotice {
    const keyId = this.current?.keyId ?? toB64u(randomBytes(16));
    this.epoch = epoch;
    const body = { v: 1 as const, type: 'revoke' as const, identityKey: this.identityKey, roomId, keyId, epoch, issuedAt: Date.now() };
    return { ...body, signature: this.sign(body) };
  }
}
