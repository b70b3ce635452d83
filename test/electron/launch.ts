// Launches the built app in real Electron with its own data folder and keychain entry; stubs only main's native dialogs.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { IDENTITY_ACCOUNT, PROBE_ACCOUNT } from '../../main/keystore/keystore';
import { electronBinaryPath } from '../../scripts/electron-binary.mjs';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const ELECTRON_BINARY = electronBinaryPath(REPO_ROOT);
export const SKIP_REASON = 'skipped: no Electron binary on this machine (install skipped its download; run `node node_modules/electron/install.js` where the download host is reachable)';
if (!ELECTRON_BINARY) console.log(`[electron suite] ${SKIP_REASON}`);

/** One app profile: a data folder and a keychain service name of its own (see main/shell/dev-profile.ts). */
export interface Profile { userDataDir: string; keychainService: string; downloads: string }

export async function newProfile(name: string, allowedServers: string[] = []): Promise<Profile> {
  const base = await mkdtemp(path.join(os.tmpdir(), `veil-electron-${name}-`));
  const profile = { userDataDir: path.join(base, 'data'), keychainService: `Veil-test-${randomBytes(6).toString('hex')}`, downloads: base };
  if (allowedServers.length) {
    // As after an earlier session in which the user allowed the test's server (the allow dialog is tested elsewhere).
    await mkdir(profile.userDataDir, { recursive: true });
    await writeFile(path.join(profile.userDataDir, 'allowed-servers.json'), JSON.stringify({ version: 1, origins: allowedServers }));
  }
  return profile;
}

export function profileEnv(profile: Profile): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return { ...env, VEIL_DEV_SERVER: '', VEIL_USER_DATA_DIR: profile.userDataDir, VEIL_KEYCHAIN_SERVICE: profile.keychainService };
}

export interface RunningApp { app: ElectronApplication; page: Page; profile: Profile }

export async function launchApp(profile: Profile, extraArgs: string[] = []): Promise<RunningApp> {
  const app = await electron.launch({ executablePath: ELECTRON_BINARY!, args: [REPO_ROOT, ...extraArgs], env: profileEnv(profile) });
  const page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  return { app, page, profile };
}

/**
 * Answers main's native dialogs, which no driver can click: "allow this server?" and "open this link?" get the
 * given button, and the save dialog writes into the profile's downloads folder. Each question's detail text and
 * each URL handed to the system browser are recorded for `dialogLog`.
 */
export async function answerDialogs(running: RunningApp, response: 0 | 1 = 1): Promise<void> {
  await running.app.evaluate(({ dialog, shell }, [answer, downloads]) => {
    const log = { asked: [] as string[], opened: [] as string[] };
    (globalThis as unknown as { veilDialogLog: typeof log }).veilDialogLog = log;
    const d = dialog as unknown as Record<string, unknown>;
    d.showMessageBox = async (...args: unknown[]) => {
      const options = (args.length > 1 ? args[1] : args[0]) as { detail?: string };
      log.asked.push(options.detail ?? '');
      return { response: answer, checkboxChecked: false };
    };
    d.showSaveDialog = async (...args: unknown[]) => {
      const options = (args.length > 1 ? args[1] : args[0]) as { defaultPath?: string };
      const name = (options.defaultPath ?? 'received').split(/[\\/]/).pop()!;
      return { canceled: false, filePath: `${downloads}/${name}` };
    };
    (shell as unknown as Record<string, unknown>).openExternal = async (url: string) => { log.opened.push(url); };
  }, [response, running.profile.downloads] as const);
}

export async function dialogLog(running: RunningApp): Promise<{ asked: string[]; opened: string[] }> {
  return running.app.evaluate(() => (globalThis as unknown as { veilDialogLog: { asked: string[]; opened: string[] } }).veilDialogLog);
}

/** Polls from the test process (the app's CSP has no 'unsafe-eval' for page-side predicates): the e2e harness' one. */
export { waitUntil } from '../e2e/harness/peer';

/** Starts a second Electron process on the same profile; it must hand its argv to the first and quit. */
export function launchSecondInstance(profile: Profile, args: string[]): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(ELECTRON_BINARY!, [REPO_ROOT, ...args], { env: profileEnv(profile), stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
}

interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  deletePassword(service: string, account: string): Promise<boolean>;
}
export async function keytar(): Promise<KeytarApi> {
  const mod = (await import('keytar')) as unknown as KeytarApi & { default?: KeytarApi };
  return mod.default ?? mod;
}

export async function removeProfile(profile: Profile): Promise<void> {
  const k = await keytar().catch(() => null);
  for (const account of [IDENTITY_ACCOUNT, PROBE_ACCOUNT]) await k?.deletePassword(profile.keychainService, account).catch(() => false);
  await rm(profile.downloads, { recursive: true, force: true });
}
