// Security audit log: JSON lines in <dataDir>/audit.jsonl, public facts only (never secrets or plaintext).
import { appendFileSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AuditEvent } from '../../protocol/ipc-e2ee';

export type AuditFields = Record<string, string | number | boolean>;

export class AuditLog {
  readonly file: string;
  private readonly recent: AuditEvent[] = [];

  private size = 0;

  /** The file is rotated to `audit.jsonl.1` (one generation) once it exceeds `maxBytes`, so disk use stays bounded. */
  constructor(dataDir: string, private readonly now: () => number, private readonly keep = 1000, private readonly maxBytes = 5 * 1024 * 1024) {
    this.file = path.join(dataDir, 'audit.jsonl');
    try {
      this.size = statSync(this.file).size;
    } catch {
      this.size = 0;
    }
    mkdirSync(dataDir, { recursive: true });
    try {
      const lines = readFileSync(this.file, 'utf8').split('\n').filter((l) => l.length > 0).slice(-keep);
      for (const l of lines) {
        try {
          this.recent.push(JSON.parse(l) as AuditEvent);
        } catch {
          // A torn last line from a crash: skip it.
        }
      }
    } catch {
      // No log yet.
    }
  }

  record(type: string, fields: AuditFields = {}): void {
    const event: AuditEvent = { ...fields, at: this.now(), type };
    this.recent.push(event);
    if (this.recent.length > this.keep) this.recent.shift();
    const line = JSON.stringify(event) + '\n';
    if (this.size + line.length > this.maxBytes && this.size > 0) {
      renameSync(this.file, `${this.file}.1`);
      this.size = 0;
    }
    appendFileSync(this.file, line, { mode: 0o600 });
    this.size += Buffer.byteLength(line);
  }

  tail(n: number): AuditEvent[] {
    return this.recent.slice(-n).map((e) => ({ ...e }));
  }
}
