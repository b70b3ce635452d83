// Unit tests for serving the renderer from veil://app: path resolution, traversal refusal, response headers.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_SCHEME_PRIVILEGES, resolveAppAsset } from '../../../main/shell/app-protocol';
import { buildCsp } from '../../../main/shell/csp';
import { appSchemeHandler } from '../../../main/shell/install';

const root = mkdtempSync(path.join(os.tmpdir(), 'veil-renderer-'));
mkdirSync(path.join(root, 'assets'));
writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Veil</title>');
writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
writeFileSync(path.join(os.tmpdir(), 'veil-secret.txt'), 'secret');

describe('resolveAppAsset', () => {
  it('maps app URLs to files inside the renderer folder', () => {
    expect(resolveAppAsset('veil://app/index.html', root)).toEqual({ filePath: path.join(root, 'index.html'), mimeType: 'text/html; charset=utf-8' });
    expect(resolveAppAsset('veil://app/', root)?.filePath).toBe(path.join(root, 'index.html'));
    expect(resolveAppAsset('veil://app/assets/app.js?v=1', root)?.mimeType).toMatch(/javascript/);
  });
  it.each([
    'veil://app/../veil-secret.txt', 'veil://app/%2e%2e/veil-secret.txt', 'veil://app/assets/..%2f..%2fveil-secret.txt',
    'veil://app/..%5cveil-secret.txt', 'veil://app/%00index.html', 'veil://other/index.html', 'file:///etc/passwd',
    'veil://app/secret.txt', 'veil://app/%E0%A4%A', 'nonsense'
  ])('refuses %s', (url) => expect(resolveAppAsset(url, root)).toBeNull());
  it('registers the scheme as standard and secure (a secure context for WebRTC and WebCrypto)', () => {
    expect(APP_SCHEME_PRIVILEGES.privileges.standard).toBe(true);
    expect(APP_SCHEME_PRIVILEGES.privileges.secure).toBe(true);
  });
});

describe('appSchemeHandler', () => {
  const handler = appSchemeHandler(root, {}, (p) => readFile(p));
  it('serves files with the CSP and the right type', async () => {
    const res = await handler({ url: 'veil://app/index.html' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(buildCsp());
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toContain('<title>Veil</title>');
  });
  it('answers 404 for refused or missing paths', async () => {
    expect((await handler({ url: 'veil://app/../veil-secret.txt' })).status).toBe(404);
    expect((await handler({ url: 'veil://app/missing.js' })).status).toBe(404);
  });
});

describe('appSchemeHandler with a changing allow-list', () => {
  it('builds the CSP per response from the current list and reports each page it served', async () => {
    let sources: string[] = [];
    let documents = 0;
    const live = appSchemeHandler(root, () => ({ connectSources: sources }), (p) => readFile(p), () => { documents++; });
    expect((await live({ url: 'veil://app/index.html' })).headers.get('content-security-policy')).toContain("connect-src 'self';");
    sources = ['https://signal.example.org', 'wss://signal.example.org'];
    const csp = (await live({ url: 'veil://app/index.html' })).headers.get('content-security-policy');
    expect(csp).toContain("connect-src 'self' https://signal.example.org wss://signal.example.org;");
    expect(documents).toBe(2);
  });
});
