// File-transfer helpers for browser tests: send through the Files tab, find transfer rows, accept, save, tamper.
import { createHash, randomBytes } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TransferInfo } from '../../../protocol/ipc-files';
import type { Harness } from './index';
import type { Peer } from './peer';
import { waitUntil } from './peer';

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Writes `size` random bytes that start with `marker` (so a test can search the wire for a known plaintext). */
export async function makeFile(dir: string, name: string, size: number, marker = ''): Promise<{ path: string; sha256: string }> {
  const bytes = randomBytes(size);
  Buffer.from(marker).copy(bytes, 0);
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return { path: file, sha256: sha256(bytes) };
}

/** Picks `file` in main's open dialog (its stand-in) from the Files tab, for `recipient` ('all' or a display name): main reads it from disk. */
export async function sendFile(p: Peer, file: string, recipient = 'all'): Promise<void> {
  await p.page.getByTestId('tab-files').click();
  const select = p.page.getByTestId('file-recipient');
  if (recipient === 'all') await select.selectOption('all');
  else await select.selectOption({ label: recipient });
  p.pickPath = file;
  await p.page.getByTestId('file-pick').click();
}

export function transferRow(p: Peer, direction: 'in' | 'out', name: string, peerName?: string) {
  const who = peerName ? `[data-peer="${peerName}"]` : '';
  return p.page.locator(`[data-testid="transfer"][data-direction="${direction}"][data-name="${name}"]${who}`).last();
}

export async function stateOf(p: Peer, direction: 'in' | 'out', name: string, peerName?: string): Promise<string> {
  await p.page.getByTestId('tab-files').click();
  const row = transferRow(p, direction, name, peerName);
  return (await row.count()) ? (await row.getAttribute('data-state')) ?? '' : '';
}

export async function waitState(p: Peer, direction: 'in' | 'out', name: string, states: string[], timeout = 120_000, peerName?: string): Promise<string> {
  let last = '';
  await waitUntil(async () => {
    last = await stateOf(p, direction, name, peerName);
    return states.includes(last);
  }, timeout, `${p.name}: ${direction} "${name}" in ${states.join('|')} (last seen: ${last || 'none'})`);
  return last;
}

export async function bytesDone(p: Peer, direction: 'in' | 'out', name: string): Promise<number> {
  const row = transferRow(p, direction, name);
  return Number((await row.getAttribute('data-bytes')) ?? 0);
}

/**
 * Time allowed for work over `bytes` of file (hashing, sealing, carrying, opening): a fixed part plus a floor rate of
 * 256 KiB/s, which holds with both cores busy. Limits follow the work rather than a guess per test.
 */
export function allowanceFor(bytes: number): number {
  return 60_000 + Math.ceil(bytes / (256 * 1024)) * 1000;
}

/** `offerWithinMs`: the offer goes out at once (nothing of the file is read before it). */
export async function accept(p: Peer, name: string, offerWithinMs = 60_000): Promise<void> {
  await waitState(p, 'in', name, ['offered'], offerWithinMs);
  await transferRow(p, 'in', name).getByTestId('transfer-accept').click();
}

/** Saves through main's dialog stand-in (peer.saveAs) and returns the written file's SHA-256. */
export async function saveAndHash(p: Peer, name: string): Promise<string> {
  await waitState(p, 'in', name, ['verified']);
  await transferRow(p, 'in', name).getByTestId('transfer-save').click();
  await waitState(p, 'in', name, ['saved'], 60_000);
  return sha256(await readFile(path.join(p.downloads, name)));
}

export async function transfersIn(p: Peer): Promise<TransferInfo[]> {
  return p.call<TransferInfo[]>('files:list');
}

/** Encrypted spool files main holds for this peer right now. */
export async function spoolFiles(p: Peer): Promise<string[]> {
  try {
    return (await readdir(path.join(p.services.dataDir, 'transfers'))).filter((f) => f.endsWith('.spool'));
  } catch {
    return [];
  }
}

/** Page-side: flips one ciphertext byte of chunk `index` of the next file transfer this page sends. */
export const tamperChunkExpr = (index: number) => `(() => {
  const orig = RTCDataChannel.prototype.send;
  let done = false;
  RTCDataChannel.prototype.send = function (data) {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
    if (!done && this.label === 'veil-files' && bytes && bytes.length > 41) {
      const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (v.getUint8(0) === 1 && v.getUint32(21) === ${index}) { bytes[30] ^= 0x01; done = true; }
    }
    return orig.call(this, data);
  };
  return true;
})()`;

/** Page-side: sends a well-formed chunk frame for a transfer id nobody knows on every open files channel. */
export const unknownTransferFrameExpr = `(() => {
  const frame = new Uint8Array(25 + 64 + 16);
  frame[0] = 1;
  crypto.getRandomValues(frame.subarray(1, 17));
  let sent = 0;
  for (const dc of window.__veilChannels) if (dc.label === 'veil-files' && dc.readyState === 'open') { dc.send(frame.buffer.slice(0)); sent++; }
  return sent;
})()`;

/** Page-side: closes every peer connection of this page (a network cut; the mesh reconnects on its own). */
export const cutConnectionsExpr = `(() => { let n = 0; for (const pc of window.__veilPcs) if (pc.connectionState !== 'closed') { pc.close(); n++; } return n; })()`;

/** The page's exact JS heap in use (CDP Runtime.getHeapUsage), in bytes. */
export async function jsHeapUsed(p: Peer): Promise<number> {
  const cdp = await p.context.newCDPSession(p.page);
  try {
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    return usedSize;
  } finally {
    await cdp.detach().catch(() => {});
  }
}

/** Resident memory of all Chromium renderer processes together (external ArrayBuffers included), in bytes. */
export async function rendererRss(h: Harness): Promise<number> {
  const cdp = await h.browser.newBrowserCDPSession();
  try {
    const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
    let total = 0;
    for (const proc of processInfo.filter((x) => x.type === 'renderer')) {
      const status = await readFile(`/proc/${proc.id}/status`, 'utf8').catch(() => '');
      const kb = /VmRSS:\s+(\d+) kB/.exec(status);
      if (kb) total += Number(kb[1]) * 1024;
    }
    return total;
  } finally {
    await cdp.detach().catch(() => {});
  }
}
