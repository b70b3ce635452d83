// The name main suggests in the save dialog carries no bidi control, control character or path part of the peer's name.
import { describe, expect, it } from 'vitest';
import { sanitizeFileName } from '../../../main/files/records';

describe('sanitizeFileName (save dialog suggestion)', () => {
  it.each([
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['a\u2066b\u2069\u200E\u200F\u061Cc.txt', 'abc.txt'],
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\boot.ini', 'boot.ini'],
    ['x\u0000y\u001b.txt', 'xy.txt'],
    ['\u202E', 'file'],
    ['..', 'file']
  ])('%j → %j', (name, safe) => expect(sanitizeFileName(name)).toBe(safe));
});
