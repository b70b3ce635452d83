// Public surface of the pure crypto layer (no Node, no Electron): import from here outside main/crypto.
export * from './backend';
export * from './bytes';
export * from './ed25519-rule';
export * from './envelope';
export * from './keys';
export * from './primitives';
export * from './replay';
export * from './safety';
export * from './session';
export * from './signed';
export * from './file-transfer';
export * from './link-binding';
export * from './media-keys';
export * from './file-final';
export * from './group-chat';
export * from './frame-origin';
