// contacts.json on disk: the v2 format (keyed by identity key), validation, and migration of the v1 (name-keyed) file.
import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { fromB64u } from '../../protocol/encoding';
import type { Contact } from '../../protocol/ipc-e2ee';
import { displayNameOrPlaceholder } from '../../protocol/names';
import { readJson, writeJsonAtomic } from './atomic-json';
import { fingerprintOf } from './fingerprint';

const key = z.string().refine((k) => fromB64u(k)?.length === 32, 'an identity key (32 bytes, base64url)');
const time = z.number().int().nonnegative();
const name = z.string().min(1).max(256);
/** Bounds what one contact may carry, so a hand-edited or hostile file cannot grow memory without limit. */
export const MAX_LINKS_PER_CONTACT = 32;

const v1Schema = z.object({
  v: z.literal(1),
  contacts: z.array(z.object({
    identityKey: key, displayName: name, verified: z.boolean(), firstSeen: time, lastSeen: time,
    previousIdentityKey: key.optional(), changePending: z.boolean()
  }).passthrough())
});
const v2Schema = z.object({
  v: z.literal(2),
  contacts: z.array(z.object({
    identityKey: key, displayName: name, verified: z.boolean(), firstSeen: time, lastSeen: time,
    previousIdentityKey: key.optional(), otherNames: z.array(name).max(MAX_LINKS_PER_CONTACT).optional(),
    distinctFrom: z.array(key).max(MAX_LINKS_PER_CONTACT).optional(),
    origin: z.enum(['continuity', 'verified', 'accepted-change', 'distinct', 'migrated'])
  }))
});

export class ContactsFile {
  readonly file: string;
  readonly v1Copy: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'contacts.json');
    this.v1Copy = path.join(dataDir, 'contacts.v1.json');
  }

  /** The stored contacts; a v1 file is migrated (after a copy of it is kept beside it). Throws on an invalid file. */
  load(): Contact[] {
    const raw = readJson(this.file);
    if (raw === undefined) return [];
    const v2 = v2Schema.safeParse(raw);
    if (v2.success) return v2.data.contacts.map((c) => ({ ...c, fingerprint: fingerprintOf(fromB64u(c.identityKey)!) }));
    const v1 = v1Schema.safeParse(raw);
    if (!v1.success) throw new Error(`${this.file} is not a contacts file this version understands`);
    const migrated = migrateV1(v1.data.contacts);
    if (!existsSync(this.v1Copy)) copyFileSync(this.file, this.v1Copy);
    this.save(migrated);
    return migrated;
  }

  save(contacts: Contact[]): void {
    writeJsonAtomic(this.file, {
      v: 2,
      contacts: contacts.map(({ fingerprint: _derived, ...c }) => c)
    });
  }
}

type V1Contact = z.infer<typeof v1Schema>['contacts'][number];

/**
 * v1 kept one record per name. Each becomes (or merges into) the record of its key: a key seen under several names
 * keeps the most recent as its name and the others as `otherNames`, verified if any record was. A record with an
 * unaccepted change (`changePending`) is recorded under its previous key, so the pending key stays flagged against it.
 */
export function migrateV1(old: V1Contact[]): Contact[] {
  const byKey = new Map<string, Contact>();
  const ordered = [...old].sort((a, b) => a.lastSeen - b.lastSeen);
  for (const c of ordered) {
    const identityKey = c.changePending && c.previousIdentityKey ? c.previousIdentityKey : c.identityKey;
    const displayName = displayNameOrPlaceholder(c.displayName);
    const prev = byKey.get(identityKey);
    if (!prev) {
      byKey.set(identityKey, {
        identityKey, displayName, fingerprint: fingerprintOf(fromB64u(identityKey)!), verified: c.changePending ? false : c.verified,
        firstSeen: c.firstSeen, lastSeen: c.lastSeen, origin: 'migrated',
        ...(!c.changePending && c.previousIdentityKey ? { previousIdentityKey: c.previousIdentityKey } : {})
      });
      continue;
    }
    const names = [prev.displayName, ...(prev.otherNames ?? [])].filter((n) => n !== displayName).slice(0, MAX_LINKS_PER_CONTACT);
    Object.assign(prev, {
      displayName, verified: prev.verified || (!c.changePending && c.verified),
      firstSeen: Math.min(prev.firstSeen, c.firstSeen), lastSeen: Math.max(prev.lastSeen, c.lastSeen)
    });
    if (names.length > 0) prev.otherNames = names;
    if (!prev.previousIdentityKey && !c.changePending && c.previousIdentityKey) prev.previousIdentityKey = c.previousIdentityKey;
  }
  return [...byKey.values()];
}
