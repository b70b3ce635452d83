// Unit tests for the permission policy and the Content-Security-Policy.
import { describe, expect, it } from 'vitest';
import { buildCsp, securityHeaders } from '../../../main/shell/csp';
import { chooseDisplaySource } from '../../../main/shell/display-media';
import { isPermissionCheckAllowed, isPermissionGranted } from '../../../main/shell/permissions';

const app = 'veil://app/index.html';

describe('permissions', () => {
  it('grants camera, microphone and screen capture to the app origin', () => {
    expect(isPermissionGranted({ permission: 'media', requestingUrl: app, mediaTypes: ['audio', 'video'], isMainFrame: true })).toBe(true);
    expect(isPermissionGranted({ permission: 'display-capture', requestingUrl: app, isMainFrame: true })).toBe(true);
  });
  it('denies media to any other origin', () => {
    for (const url of ['https://evil.example/', 'file:///x.html', 'veil://other/', undefined]) {
      expect(isPermissionGranted({ permission: 'media', requestingUrl: url, mediaTypes: ['video'] })).toBe(false);
    }
  });
  it('denies permissions a call does not need, even to the app', () => {
    for (const p of ['geolocation', 'notifications', 'midi', 'midiSysex', 'pointerLock', 'openExternal', 'hid', 'serial', 'usb', 'unknown']) {
      expect(isPermissionGranted({ permission: p, requestingUrl: app })).toBe(false);
    }
  });
  it('denies subframes and empty media requests', () => {
    expect(isPermissionGranted({ permission: 'media', requestingUrl: app, mediaTypes: ['video'], isMainFrame: false })).toBe(false);
    expect(isPermissionGranted({ permission: 'media', requestingUrl: app, mediaTypes: [] })).toBe(false);
    expect(isPermissionGranted({ permission: 'media', requestingUrl: app, mediaTypes: ['audio', 'something'] })).toBe(false);
  });
  it('check handler follows the same policy', () => {
    expect(isPermissionCheckAllowed('media', 'veil://app')).toBe(true);
    expect(isPermissionCheckAllowed('media', 'https://evil.example')).toBe(false);
    expect(isPermissionCheckAllowed('geolocation', 'veil://app')).toBe(false);
  });
});

describe('Content-Security-Policy', () => {
  const directives = (csp: string) => new Map(csp.split('; ').map((d) => {
    const [name, ...values] = d.split(' ');
    return [name!, values] as const;
  }));
  it('forbids everything by default and eval, inline script, frames and objects', () => {
    const d = directives(buildCsp());
    expect(d.get('default-src')).toEqual(["'none'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('frame-src')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    expect(buildCsp()).not.toMatch(/unsafe-eval/);
    expect(d.get('script-src')).not.toContain("'unsafe-inline'");
  });
  it('adds the dev server only when asked', () => {
    const d = directives(buildCsp({ devServerOrigin: 'http://localhost:5173' }));
    expect(d.get('script-src')).toContain('http://localhost:5173');
    expect(d.get('connect-src')).toContain('ws://localhost:5173');
  });
  it('ships hardening headers with every response', () => {
    const h = securityHeaders();
    expect(h['Content-Security-Policy']).toBe(buildCsp());
    expect(h['X-Content-Type-Options']).toBe('nosniff');
  });
});

describe('display media (screen sharing)', () => {
  const sources = [{ id: 'window:1:0', name: 'Editor' }, { id: 'screen:0:0', name: 'Entire screen' }];
  const ok = { securityOrigin: 'veil://app', frameUrl: 'veil://app/index.html', videoRequested: true, userGesture: true };
  it('shares the primary screen with the app after a click', () => {
    expect(chooseDisplaySource(ok, sources)).toEqual({ id: 'screen:0:0', name: 'Entire screen' });
  });
  it('denies other origins, requests without a user gesture, and audio-only requests', () => {
    expect(chooseDisplaySource({ ...ok, securityOrigin: 'https://evil.example' }, sources)).toBeNull();
    expect(chooseDisplaySource({ ...ok, frameUrl: 'https://evil.example/frame' }, sources)).toBeNull();
    expect(chooseDisplaySource({ ...ok, userGesture: false }, sources)).toBeNull();
    expect(chooseDisplaySource({ ...ok, videoRequested: false }, sources)).toBeNull();
  });
  it('denies when no screen is available', () => {
    expect(chooseDisplaySource(ok, [{ id: 'window:1:0', name: 'Editor' }])).toBeNull();
  });
});
