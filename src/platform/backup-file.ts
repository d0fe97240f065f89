import crypto from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';

/**
 * A Beacon backup file: gzip'd JSON lines, the same whichever database made it.
 *
 *   {"beaconBackup":1, "createdAt", "schema", "migrations", "source", "tables": [{name, columns, rows}], "sequences"}
 *   {"table":"partnership"}
 *   ["1","801","Alpha Partnership",…]          one line a row: each column's text form, or null
 *   {"end":"partnership","rows":2,"sha256":"…"} the digest of the table's row lines as written
 *   … every table, parents before the tables that refer to them …
 *   {"complete":true,"tables":103,"rows":12345}
 *
 * The header comes first so that a file that is not a backup, or is from a newer Beacon, is refused before
 * anything is read or touched; each table's digest and the closing line come after its rows so that the file
 * is written in one streaming pass, and a file cut short lacks them (gzip's own CRC catches it too).
 *
 * Encrypted (`--encrypt`), the file is one plain JSON line naming the key derivation (scrypt, its salt and
 * parameters) and the AES-256-GCM nonce, then the gzip stream encrypted, then GCM's 16-byte tag; the first
 * line is authenticated with the rest, so no parameter can be changed unnoticed.
 */

export const BACKUP_FORMAT = 1;
const ENCRYPTED_FORMAT = 1;
const TAG_BYTES = 16;
const SCRYPT = { N: 2 ** 15, r: 8, p: 1 };
const SCRYPT_MAXMEM = 128 * SCRYPT.N * SCRYPT.r * 2;

/** The file is not one Beacon can restore: not a backup, cut short, altered, or from a newer Beacon. */
export class BackupRejected extends Error {}

export type BackupTable = { name: string; columns: string[]; rows: number };
export type BackupSequence = { name: string; lastValue: string; isCalled: boolean };
export type BackupHeader = {
  beaconBackup: number;
  createdAt: string;
  /** The latest migration the database had: the schema the rows fit. */
  schema: string;
  migrations: string[];
  source: { dialect: 'pglite' | 'postgres'; server: string };
  tables: BackupTable[];
  sequences: BackupSequence[];
};
export type TableEnd = { end: string; rows: number; sha256: string };
export type Trailer = { complete: true; tables: number; rows: number };

/** Passphrases shorter than this are refused: the file holds children's records. */
export const MIN_PASSPHRASE = 12;

type EncryptionHeader = { beaconBackupEncrypted: number; cipher: 'aes-256-gcm'; kdf: 'scrypt'; salt: string; N: number; r: number; p: number; iv: string };

function deriveKey(passphrase: string, h: EncryptionHeader): Buffer {
  return crypto.scryptSync(passphrase, Buffer.from(h.salt, 'base64'), 32, { N: h.N, r: h.r, p: h.p, maxmem: SCRYPT_MAXMEM });
}

/**
 * Writes a backup to a temporary file beside `target`, readable by its owner only, and moves it into place
 * only once complete and flushed to disk: a failed or interrupted backup never leaves a half file under the name.
 */
export class BackupWriter {
  private readonly temp: string;
  private readonly file: fs.WriteStream;
  private readonly gzip = zlib.createGzip({ level: 6 });
  private readonly closed: Promise<void>;
  private failed: Error | null = null;

  constructor(private readonly target: string, passphrase: string | null) {
    this.temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.partial`);
    this.file = fs.createWriteStream(this.temp, { flags: 'wx', mode: 0o600 });
    this.closed = new Promise((resolve, reject) => {
      this.file.once('close', resolve);
      this.file.once('error', reject);
    });
    // Awaited by finish() or abort(); until then a failure must not count as unhandled.
    this.closed.catch(() => {});
    // Any stage failing stops them all, so that neither a pending write nor finish() waits for ever.
    const fail = (err: Error) => {
      this.failed ??= err;
      if (!this.gzip.destroyed) this.gzip.destroy(err);
      if (!this.file.destroyed) this.file.destroy(err);
    };
    this.gzip.on('error', fail);
    this.file.on('error', fail);
    if (passphrase === null) {
      this.gzip.pipe(this.file);
      return;
    }
    const header: EncryptionHeader = {
      beaconBackupEncrypted: ENCRYPTED_FORMAT, cipher: 'aes-256-gcm', kdf: 'scrypt',
      salt: crypto.randomBytes(16).toString('base64'), ...SCRYPT, iv: crypto.randomBytes(12).toString('base64'),
    };
    const line = Buffer.from(`${JSON.stringify(header)}\n`);
    const cipher = crypto.createCipheriv('aes-256-gcm', deriveKey(passphrase, header), Buffer.from(header.iv, 'base64'));
    cipher.setAAD(line);
    cipher.on('error', fail);
    this.file.write(line);
    this.gzip.pipe(cipher).pipe(this.file, { end: false });
    cipher.once('end', () => this.file.end(cipher.getAuthTag()));
  }

  async line(value: unknown): Promise<void> {
    await this.raw(JSON.stringify(value));
  }

  /** A line already in JSON, as the database wrote it. */
  async raw(json: string): Promise<void> {
    if (this.failed) throw this.failed;
    if (!this.gzip.write(`${json}\n`)) await once(this.gzip, 'drain');
  }

  /** Flushes, syncs and renames into place; returns the file's size. */
  async finish(): Promise<number> {
    this.gzip.end();
    await this.closed;
    if (this.failed) throw this.failed;
    const fd = fs.openSync(this.temp, 'r');
    try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
    fs.chmodSync(this.temp, 0o600);
    fs.renameSync(this.temp, this.target);
    syncDir(path.dirname(this.target));
    return fs.statSync(this.target).size;
  }

  async abort(): Promise<void> {
    this.gzip.destroy();
    this.file.destroy();
    await this.closed.catch(() => {});
    fs.rmSync(this.temp, { force: true });
  }
}

function syncDir(dir: string) {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some file systems cannot sync a directory; the rename is still atomic.
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

export type BackupLine = { kind: 'row'; json: string } | { kind: 'table'; name: string } | { kind: 'end'; value: TableEnd } | { kind: 'trailer'; value: Trailer };

/** An opened backup: its header read and checked, the rest to be read once, line by line. */
export type BackupReader = {
  header: BackupHeader;
  encrypted: boolean;
  lines(): AsyncGenerator<BackupLine>;
  close(): void;
};

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const ENCRYPTED_PREFIX = '{"beaconBackupEncrypted":';

/** Whether the file is an encrypted backup (and so needs the passphrase). Unreadable files throw as fs does. */
export function isEncryptedBackup(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const start = Buffer.alloc(ENCRYPTED_PREFIX.length);
    const n = fs.readSync(fd, start, 0, start.length, 0);
    return start.subarray(0, n).toString('latin1') === ENCRYPTED_PREFIX;
  } finally {
    fs.closeSync(fd);
  }
}

const NOT_A_BACKUP = 'is not a Beacon backup';
const CUT_SHORT = 'is incomplete or damaged (cut short or altered): restore from another copy';

/** Opens a backup and reads its header; refuses a file that is not one. */
export async function openBackup(file: string, passphrase: string | null): Promise<BackupReader> {
  const name = path.basename(file);
  const size = fs.statSync(file).size;
  let source: Readable;
  let encrypted = false;
  if (isEncryptedBackup(file)) {
    encrypted = true;
    if (passphrase === null) throw new BackupRejected(`${name} is encrypted: give its passphrase on standard input`);
    const fd = fs.openSync(file, 'r');
    let head: Buffer;
    try {
      head = Buffer.alloc(Math.min(1024, size));
      fs.readSync(fd, head, 0, head.length, 0);
    } finally {
      fs.closeSync(fd);
    }
    const newline = head.indexOf(0x0a);
    let h: EncryptionHeader;
    try {
      h = JSON.parse(head.subarray(0, newline).toString('utf8')) as EncryptionHeader;
    } catch {
      throw new BackupRejected(`${name} ${CUT_SHORT}`);
    }
    if (h.beaconBackupEncrypted !== ENCRYPTED_FORMAT || h.cipher !== 'aes-256-gcm' || h.kdf !== 'scrypt') {
      throw new BackupRejected(`${name} is encrypted in a way this Beacon does not know: it may come from a newer Beacon`);
    }
    if (size < newline + 1 + TAG_BYTES) throw new BackupRejected(`${name} ${CUT_SHORT}`);
    const tag = Buffer.alloc(TAG_BYTES);
    const tfd = fs.openSync(file, 'r');
    try { fs.readSync(tfd, tag, 0, TAG_BYTES, size - TAG_BYTES); } finally { fs.closeSync(tfd); }
    let key: Buffer;
    try {
      key = deriveKey(passphrase, h);
    } catch {
      throw new BackupRejected(`${name} names key parameters this Beacon refuses: it is damaged or altered`);
    }
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(h.iv, 'base64'));
    decipher.setAAD(head.subarray(0, newline + 1));
    decipher.setAuthTag(tag);
    const raw = fs.createReadStream(file, { start: newline + 1, end: size - TAG_BYTES - 1 });
    raw.on('error', (err) => decipher.destroy(err));
    source = raw.pipe(decipher);
  } else {
    const fd = fs.openSync(file, 'r');
    const magic = Buffer.alloc(2);
    try { fs.readSync(fd, magic, 0, 2, 0); } finally { fs.closeSync(fd); }
    if (!magic.equals(GZIP_MAGIC)) throw new BackupRejected(`${name} ${NOT_A_BACKUP}`);
    source = fs.createReadStream(file);
  }
  const gunzip = zlib.createGunzip();
  source.on('error', (err) => gunzip.destroy(err));
  source.pipe(gunzip);

  const damaged = (err: unknown) => {
    if (err instanceof BackupRejected) return err;
    const message = (err as Error).message ?? '';
    if (encrypted && /authenticate|incorrect header|invalid/i.test(message)) {
      return new BackupRejected(`${name} could not be decrypted: the passphrase is wrong, or the file has been altered`);
    }
    return new BackupRejected(`${name} ${CUT_SHORT}`);
  };

  const text = splitLines(gunzip);
  let first: IteratorResult<string>;
  try {
    first = await text.next();
  } catch (err) {
    gunzip.destroy();
    throw damaged(err);
  }
  let header: BackupHeader;
  try {
    header = JSON.parse(first.done ? '' : first.value) as BackupHeader;
  } catch {
    gunzip.destroy();
    throw new BackupRejected(`${name} ${NOT_A_BACKUP}`);
  }
  if (!header || typeof header !== 'object' || !('beaconBackup' in header)) {
    gunzip.destroy();
    throw new BackupRejected(`${name} ${NOT_A_BACKUP}`);
  }
  if (header.beaconBackup !== BACKUP_FORMAT) {
    gunzip.destroy();
    throw new BackupRejected(`${name} is a Beacon backup in format ${String(header.beaconBackup)}, which this Beacon cannot read (it reads format ${BACKUP_FORMAT}): upgrade Beacon`);
  }
  if (!Array.isArray(header.tables) || !Array.isArray(header.migrations) || !Array.isArray(header.sequences) || typeof header.schema !== 'string') {
    gunzip.destroy();
    throw new BackupRejected(`${name} ${CUT_SHORT}`);
  }

  async function* lines(): AsyncGenerator<BackupLine> {
    let trailer = false;
    try {
      for await (const line of text) {
        if (trailer) throw new BackupRejected(`${name} ${CUT_SHORT}`);
        if (line.startsWith('[')) {
          yield { kind: 'row', json: line };
          continue;
        }
        const value = JSON.parse(line) as Record<string, unknown>;
        if (typeof value.table === 'string') yield { kind: 'table', name: value.table };
        else if (typeof value.end === 'string') yield { kind: 'end', value: value as TableEnd };
        else if (value.complete === true) {
          trailer = true;
          yield { kind: 'trailer', value: value as Trailer };
        } else throw new BackupRejected(`${name} ${CUT_SHORT}`);
      }
    } catch (err) {
      throw damaged(err);
    }
    if (!trailer) throw new BackupRejected(`${name} ${CUT_SHORT}`);
  }

  return { header, encrypted, lines, close: () => gunzip.destroy() };
}

/** The stream's text, a line at a time (JSON escapes every newline inside a value). */
async function* splitLines(stream: Readable): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of stream) {
    pending += decoder.write(chunk as Buffer);
    let at: number;
    let from = 0;
    while ((at = pending.indexOf('\n', from)) !== -1) {
      yield pending.slice(from, at);
      from = at + 1;
    }
    pending = pending.slice(from);
  }
  pending += decoder.end();
  if (pending !== '') yield pending;
}
