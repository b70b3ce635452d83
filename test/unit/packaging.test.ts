// Checks electron-builder.yml: targets, hardened runtime, keytar unpacked, fuses flipped, only built output packed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const config = parse(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- free-form YAML
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('electron-builder.yml', () => {
  it('names the app', () => {
    expect(config.appId).toBe('org.veil.desktop');
    expect(config.productName).toBe('Veil');
  });
  it('builds AppImage + deb, a hardened dmg and nsis', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.mac.target).toBe('dmg');
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.win.target).toBe('nsis');
  });
  it('unpacks keytar from the asar', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/node_modules/keytar/**');
  });
  it('unpacks sodium-native (libsodium, prebuilt N-API binaries) from the asar and ships it as a pinned runtime dependency', () => {
    expect(config.asarUnpack).toContain('**/node_modules/sodium-native/**');
    expect(pkg.dependencies['sodium-native']).toBe('5.1.0');
  });
  it('matches electron-builder\'s own configuration schema', async () => {
    // app-builder-lib is electron-builder's engine; resolved through it so the versions always agree.
    const fromBuilder = createRequire(createRequire(__filename).resolve('electron-builder'));
    const { validateConfiguration } = fromBuilder('app-builder-lib/out/util/config/config') as { validateConfiguration(c: unknown, log: unknown): Promise<void> };
    const { DebugLogger } = fromBuilder('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, protocolz: [] }, new DebugLogger(false))).rejects.toThrow(/configuration/);
  });
  it('registers the veil scheme for invite links with the OS', () => {
    expect(config.protocols).toEqual([{ name: 'Veil invite link', schemes: ['veil'] }]);
  });
  it('flips the fuses: no run-as-node, NODE_OPTIONS or inspect; asar integrity and asar-only loading on', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true, onlyLoadAppFromAsar: true
    });
  });
  it('packs only the built output, and the runtime dependency is the native keychain module', () => {
    expect(config.files).toEqual(expect.arrayContaining(['dist/main/**', 'dist/preload/**', 'dist/renderer/**']));
    expect(config.files.some((f: string) => /^(main|renderer|preload|signaling-server|test)\//.test(f))).toBe(false);
    expect(pkg.dependencies.keytar).toBeDefined();
    for (const bundled of ['react', 'react-dom', 'zustand', 'simple-peer', 'socket.io-client', 'electron', 'vite']) {
      expect(pkg.dependencies[bundled], `${bundled} is bundled, so it belongs in devDependencies`).toBeUndefined();
    }
  });
});
