// Unit tests for the permission policy and the Content-Security-Policy (screen sharing: display-media.test.ts).
import { describe, expect, it } from 'vitest';
import { buildCsp, securityHeaders } from '../../../main/shell/csp';
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

const connectSrc = (csp: string) => csp.split('; ').find((d) => d.startsWith('connect-src '))!.split(' ').slice(1);

describe('CSP connect-src', () => {
  it('allows only the app itself when no server is listed: no wildcard schemes or hosts', () => {
    expect(connectSrc(buildCsp())).toEqual(["'self'"]);
  });
  it('lists exactly the given origins', () => {
    const sources = ['https://signal.example.org', 'wss://signal.example.org'];
    expect(connectSrc(buildCsp({ connectSources: sources }))).toEqual(["'self'", 'https://signal.example.org', 'wss://signal.example.org']);
  });
  it.each(['ws:', 'https:', '*', 'https://*.example.org', "https://a.example 'unsafe-eval'", 'https://a.example;script-src *'])(
    'refuses a wildcard or injected source %s', (bad) => {
      expect(() => buildCsp({ connectSources: [bad] })).toThrow();
    });
});
