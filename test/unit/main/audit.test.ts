// Audit log: JSON lines, tail across restarts, bounded file size with one rotated generation.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../../main/e2ee/audit';
import { tempDir } from './harness';

describe('audit log', () => {
  it('appends JSON lines, reloads the tail after a restart, and rotates past the size cap', () => {
    const dir = tempDir();
    const log = new AuditLog(dir, () => 42, 1000, 2000);
    for (let i = 0; i < 50; i++) log.record('room-key-created', { roomId: 'r', n: i });
    const file = path.join(dir, 'audit.jsonl');
    expect(statSync(file).size).toBeLessThanOrEqual(2000);
    expect(existsSync(`${file}.1`)).toBe(true);
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; at: number; n: number });
    expect(lines.at(-1)).toMatchObject({ type: 'room-key-created', at: 42, n: 49 });
    const again = new AuditLog(dir, () => 43, 1000, 2000);
    expect(again.tail(1)[0]).toMatchObject({ n: 49 });
    expect(log.tail(3).map((e) => e.n)).toEqual([47, 48, 49]);
  });
});
