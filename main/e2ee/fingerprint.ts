// Display fingerprint of an identity key: lowercase hex in groups of four characters.
import { toHex } from '../../protocol/encoding';

export function fingerprintOf(identityKey: Uint8Array): string {
  return (toHex(identityKey).match(/.{4}/g) ?? []).join(' ');
}
