// External links: main asks the user, showing the full URL, before the system browser opens an https link.
import { describe, expect, it } from 'vitest';
import { createExternalOpener } from '../../../main/shell/external-links';

const flush = () => new Promise((r) => setImmediate(r));

describe('createExternalOpener', () => {
  it('opens nothing when the user says no (deny by default)', async () => {
    const opened: string[] = [];
    const asked: string[] = [];
    const open = createExternalOpener(async (url) => { asked.push(url); return false; }, (u) => { opened.push(u); });
    await open('https://phish.example/login?next=%2F');
    expect(asked).toEqual(['https://phish.example/login?next=%2F']);
    expect(opened).toEqual([]);
  });
  it('opens the exact URL after a yes', async () => {
    const opened: string[] = [];
    const open = createExternalOpener(async () => true, (u) => { opened.push(u); });
    await open('https://docs.example.org/a#b');
    expect(opened).toEqual(['https://docs.example.org/a#b']);
  });
  it('never asks about or opens non-https URLs', async () => {
    const opened: string[] = [];
    let asked = 0;
    const open = createExternalOpener(async () => { asked++; return true; }, (u) => { opened.push(u); });
    for (const u of ['http://example.org/', 'file:///etc/passwd', 'smb://host/share', 'https://u:p@example.org/', 'javascript:alert(1)']) await open(u);
    expect(asked).toBe(0);
    expect(opened).toEqual([]);
  });
  it('a dialog failure opens nothing', async () => {
    const opened: string[] = [];
    const open = createExternalOpener(async () => { throw new Error('no window'); }, (u) => { opened.push(u); });
    await open('https://example.org/');
    expect(opened).toEqual([]);
  });
  it('asks one question at a time: links clicked while a dialog is open are dropped', async () => {
    const opened: string[] = [];
    let release!: (v: boolean) => void;
    let asked = 0;
    const open = createExternalOpener(() => { asked++; return new Promise<boolean>((r) => { release = r; }); }, (u) => { opened.push(u); });
    const first = open('https://one.example/');
    await flush();
    await open('https://two.example/');
    release(true);
    await first;
    expect(asked).toBe(1);
    expect(opened).toEqual(['https://one.example/']);
  });
});
