// Unit tests for the app origin check and the navigation / window.open policy.
import { describe, expect, it } from 'vitest';
import { decideNavigation, decideWindowOpen, externalUrlToOpen } from '../../../main/shell/navigation';
import { APP_ENTRY_URL, isAppUrl } from '../../../main/shell/origin';

describe('isAppUrl', () => {
  it('accepts the app origin', () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(isAppUrl('veil://app/assets/index.js')).toBe(true);
  });
  it.each([
    'file:///etc/passwd', 'https://app/', 'veil://evil/index.html', 'veil://app.evil.com/', 'veil://user:pw@app/',
    'http://localhost:5173/', '', 'not a url', 'javascript:alert(1)'
  ])('rejects %s', (url) => expect(isAppUrl(url)).toBe(false));
  it('rejects non-strings', () => {
    expect(isAppUrl(undefined)).toBe(false);
    expect(isAppUrl(null)).toBe(false);
  });
});

describe('navigation policy', () => {
  it('allows in-app navigation only', () => {
    expect(decideNavigation('veil://app/index.html')).toEqual({ allow: true });
  });
  it('blocks navigation to the web and hands https to the system browser', () => {
    expect(decideNavigation('https://example.org/help')).toEqual({ allow: false, openExternally: 'https://example.org/help' });
  });
  it('blocks other schemes without opening anything', () => {
    for (const url of ['http://example.org/', 'file:///tmp/x.html', 'javascript:alert(1)', 'smb://host/share', 'veil://other/']) {
      expect(decideNavigation(url)).toEqual({ allow: false, openExternally: null });
    }
  });
  it('denies window.open always, opening only plain https externally', () => {
    expect(decideWindowOpen('https://example.org/')).toEqual({ action: 'deny', openExternally: 'https://example.org/' });
    expect(decideWindowOpen('veil://app/index.html')).toEqual({ action: 'deny', openExternally: null });
    expect(decideWindowOpen('file:///etc/passwd')).toEqual({ action: 'deny', openExternally: null });
  });
  it('never opens https URLs carrying credentials', () => {
    expect(externalUrlToOpen('https://user:pass@example.org/')).toBeNull();
  });
});
