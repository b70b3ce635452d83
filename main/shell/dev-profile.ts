// Unpackaged runs only (npm start, the Electron suite): a separate data folder and keychain entry per profile, so two instances can meet.
import path from 'node:path';

export interface DevProfile {
  /** Replaces app.getPath('userData'); the single-instance lock is per data folder, so two folders = two instances. */
  userDataDir?: string;
  /** The keychain service name, so each profile keeps its own identity secret. */
  keychainService?: string;
}

const KEYCHAIN_SERVICE_PATTERN = /^Veil[A-Za-z0-9._-]{1,60}$/;

/**
 * Reads VEIL_USER_DATA_DIR and VEIL_KEYCHAIN_SERVICE. A packaged app ignores both (its data folder and keychain entry
 * are fixed); a bad value is an error at start-up rather than a silent fallback to the real profile.
 */
export function readDevProfile(env: Record<string, string | undefined>, isPackaged: boolean): DevProfile {
  if (isPackaged) return {};
  const profile: DevProfile = {};
  const dir = env.VEIL_USER_DATA_DIR;
  if (dir) {
    if (!path.isAbsolute(dir)) throw new Error('VEIL_USER_DATA_DIR must be an absolute path');
    profile.userDataDir = path.normalize(dir);
  }
  const service = env.VEIL_KEYCHAIN_SERVICE;
  if (service) {
    if (!KEYCHAIN_SERVICE_PATTERN.test(service)) throw new Error('VEIL_KEYCHAIN_SERVICE must be "Veil" followed by 1-60 of [A-Za-z0-9._-]');
    profile.keychainService = service;
  }
  return profile;
}
