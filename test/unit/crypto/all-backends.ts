// Every crypto backend the app can select (noble, node:crypto, libsodium), for tests that must see identical results from each.
import { nobleBackend, type CryptoBackend } from '../../../main/crypto';
import { tryCreateNodeAead } from '../../../main/crypto-native/node-aead';
import { createNodeBackend } from '../../../main/crypto-native/node-backend';
import { createSodiumBackend, loadSodium } from '../../../main/crypto-native/sodium-backend';

const sodium = loadSodium();
// sodium-native ships prebuilt binaries for this platform: failing to load it is a broken install, not a reason to skip.
if (!sodium) throw new Error('sodium-native does not load here');
const nodeAead = tryCreateNodeAead();

/** noble; node:crypto asymmetric (+ its AEAD where this Node has one); libsodium for everything. */
export const allBackends: CryptoBackend[] = [nobleBackend, nodeAead ? { ...createNodeBackend(), aead: nodeAead } : createNodeBackend(),
  createSodiumBackend(sodium)];
export const sodiumApi = sodium;
