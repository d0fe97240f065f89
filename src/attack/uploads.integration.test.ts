import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ZIP_LIMITS } from '../features/returns/annex-a.parser';
import { runCli } from '../testing/cli';
import { tableDigests, withoutAuditLog, type TableDigests } from '../testing/db-digest';
import { createTestApp, signIn, type Client, type TestApp } from '../testing/test-app';

/**
 * Hostile files: names that climb out of a folder, XML entity bombs and external entities in a CIN census,
 * and zip bombs in an Annex A workbook, through the web upload and the CLI. Each is refused with an error
 * naming the problem, soon and in little memory, writing nothing but the record of the refused run.
 * PGlite only: what is tried here is the reading of files, the same whatever database is behind it.
 */

const MiB = 1024 * 1024;
// A separator or a NUL: what a stored name must not hold.
// eslint-disable-next-line no-control-regex
const UNSAFE_NAME = /[/\\\u0000]/;

/** A zip written part by part, so that a part's declared size and name can be whatever an attacker likes. */
type Part = { name: string; data?: Buffer | string; deflated?: Buffer; size?: number };
function zipOf(parts: Part[]): Buffer {
  const out: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name);
    const data = p.data === undefined ? undefined : Buffer.from(p.data);
    const body = p.deflated ?? zlib.deflateRawSync(data!);
    const size = p.size ?? data!.length;
    const crc = data ? zlib.crc32(data) : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14); local.writeUInt32LE(body.length, 18); local.writeUInt32LE(size, 22); local.writeUInt16LE(name.length, 26);
    out.push(local, name, body);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0); entry.writeUInt16LE(20, 4); entry.writeUInt16LE(20, 6); entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(crc, 16); entry.writeUInt32LE(body.length, 20); entry.writeUInt32LE(size, 24); entry.writeUInt16LE(name.length, 28); entry.writeUInt32LE(offset, 42);
    central.push(entry, name);
    offset += 30 + name.length + body.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(parts.length, 8); end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...out, directory, end]);
}

/**
 * A deflate stream of `head`, then `mib` MiB of spaces, then `tail`, a few kilobytes for each gigabyte: one
 * MiB of spaces compressed once, its block repeated (each block refers only to its own output).
 */
function inflatesTo(head: string, mib: number, tail: string): { deflated: Buffer; size: number } {
  const sync = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const block = zlib.deflateRawSync(Buffer.alloc(MiB, 0x20), sync);
  const deflated = Buffer.concat([zlib.deflateRawSync(Buffer.from(head), sync), ...Array.from({ length: mib }, () => block), zlib.deflateRawSync(Buffer.from(tail))]);
  return { deflated, size: Buffer.byteLength(head) + mib * MiB + Buffer.byteLength(tail) };
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
/** The parts every workbook has, and a first sheet, "List 1", with the content given. */
function workbook(sheet: Omit<Part, 'name'>, extra: Part[] = []): Buffer {
  return zipOf([
    { name: '[Content_Types].xml', data: '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>' },
    { name: 'xl/_rels/workbook.xml.rels', data: '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>' },
    { name: 'xl/workbook.xml', data: `<?xml version="1.0"?><workbook xmlns="${MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="List 1" sheetId="1" r:id="rId1"/></sheets></workbook>` },
    { name: 'xl/worksheets/sheet1.xml', ...sheet },
    ...extra,
  ]);
}
const SHEET_OPEN = `<?xml version="1.0"?><worksheet xmlns="${MAIN}"><sheetData>`;
const HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>Child Unique ID</t></is></c></row>';
const SHEET_HEAD = SHEET_OPEN + HEADER_ROW;
const SHEET_TAIL = '</sheetData></worksheet>';

const CIN_HEAD = '<?xml version="1.0" encoding="UTF-8"?>';
const CIN_BODY = '<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2024</Year></CollectionDetails></Header><Children>&e;</Children></Message>';

describe('hostile uploads (pglite)', () => {
  let t: TestApp;
  let analyst: Client;
  let sandbox: string;
  let tmp: string;
  let savedTmp: string | undefined;
  let fetched = 0;
  let listener: http.Server;
  let loopback: string;

  beforeAll(async () => {
    // The app's temporary folder two levels inside a sandbox: a name that climbs out of it lands in the sandbox, where the test looks.
    sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-attack-'));
    tmp = path.join(sandbox, 'a', 'b', 'tmp');
    fs.mkdirSync(tmp, { recursive: true });
    savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    listener = http.createServer((_req, res) => { fetched += 1; res.end('<!ENTITY x "fetched">'); });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    loopback = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
    t = await createTestApp('pglite');
    analyst = await signIn(t, 'data_analyst@a.test');
  });
  afterAll(async () => {
    process.env.TMPDIR = savedTmp;
    if (savedTmp === undefined) delete process.env.TMPDIR;
    await new Promise((resolve) => listener?.close(resolve));
    await t?.close();
    fs.rmSync(sandbox, { recursive: true, force: true });
  });

  /** Every table but the audit log and the runs' own record: a refused import adds its run and nothing else. */
  const digest = async (): Promise<TableDigests> => {
    const d = withoutAuditLog(await tableDigests(t.db));
    delete d.import_run;
    return d;
  };
  const filesUnder = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));

  /** Uploads a return through the web form and waits for its run to end; also how long it took and how much the process grew. */
  async function upload(kind: 'cin' | 'annex_a', name: string, content: Buffer | string) {
    const started = Date.now();
    const rss = process.memoryUsage().rss;
    await analyst.get('/returns/import');
    const res = await analyst.upload('/returns/import', { kind }, [{ field: 'files', name, content }]);
    expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);
    const runId = String(res.headers.location).split('/').pop()!;
    let run;
    for (let i = 0; i < 600; i++) {
      run = await t.db.selectFrom('import_run').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();
      if (run.outcome !== 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return { run: run!, page: await analyst.get(`/returns/imports/${runId}`), ms: Date.now() - started, grewMiB: (process.memoryUsage().rss - rss) / MiB };
  }

  /** A refused file: failed with the error expected, soon, in little memory, nothing written, and the error on the run's page. */
  async function refused(kind: 'cin' | 'annex_a', content: Buffer | string, error: RegExp) {
    const before = await digest();
    const { run, page, ms, grewMiB } = await upload(kind, kind === 'cin' ? 'cin.xml' : 'annex-a.xlsx', content);
    expect(run.outcome).toBe('failed');
    expect(run.error).toMatch(error);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(run.error!.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').slice(0, 60));
    expect(ms).toBeLessThan(15_000);
    expect(grewMiB).toBeLessThan(200);
    expect(await digest()).toEqual(before);
    return run;
  }

  describe('file names that climb out of the upload folder', () => {
    const names = ['../../escaped.xml', '..\\..\\escaped-win.xml', `${'/'}ABS/escaped-abs.xml`, 'nul\u0000byte.xml', `${'x'.repeat(5000)}.xml`, '../../../../../../../../tmp/escaped-root.xml'];

    it('stores every upload under a name of its own inside the temporary folder, and records only the name’s last part, cleaned', async () => {
      for (const name of names) {
        const { run } = await upload('cin', name, '<Message/>');
        expect(run.file_name).not.toMatch(UNSAFE_NAME);
        expect(run.file_name.length).toBeLessThanOrEqual(200);
      }
      const runs = await t.db.selectFrom('import_run').select('file_name').orderBy('started_at', 'desc').limit(names.length).execute();
      expect(runs.map((r) => r.file_name).sort()).toEqual(['escaped-abs.xml', 'escaped-root.xml', 'escaped-win.xml', 'escaped.xml', 'nulbyte.xml', `${'x'.repeat(196)}.xml`].sort());
      // Nothing anywhere in the sandbox but the (emptied) temporary folder; nothing at the absolute paths named.
      expect(filesUnder(sandbox)).toEqual([]);
      expect(fs.existsSync('/ABS/escaped-abs.xml')).toBe(false);
      expect(fs.existsSync('/tmp/escaped-root.xml')).toBe(false);
    });

    it('keeps a partner agency’s file by its last part too, and never on disk', async () => {
      const manager = await signIn(t, 'business_manager@a.test');
      await manager.get('/partner-data/upload');
      const res = await manager.upload('/partner-data/upload', { agency: String(t.fixture.a.agencyId), 'periodEnd-day': '31', 'periodEnd-month': '3', 'periodEnd-year': '2025' },
        [{ field: 'file', name: '..\\..\\..//etc/passwd\u0000.csv', content: fs.readFileSync('src/features/partner-data/fixtures/seed-police-2022-23.csv') }]);
      expect([303, 400]).toContain(res.statusCode);
      const sets = await t.db.selectFrom('partner_data_set').select('file_name').execute();
      for (const s of sets) expect(s.file_name).not.toMatch(UNSAFE_NAME);
      expect(filesUnder(sandbox)).toEqual([]);
    });

    it('serves no file outside the static folders, however the path is spelt', async () => {
      for (const prefix of ['/assets', '/stylesheets', '/javascripts', '/govuk']) {
        for (const climb of ['../../../../package.json', '..%2f..%2f..%2f..%2fpackage.json', '%2e%2e/%2e%2e/%2e%2e/%2e%2e/package.json', '..%5c..%5c..%5c..%5cpackage.json', '%2e%2e%2f%2e%2e%2f%2e%2e%2fsrc%2fapp.ts', '....//....//package.json', '..%00/package.json']) {
          const res = await t.app.inject({ method: 'GET', url: `${prefix}/${climb}` });
          expect([400, 403, 404], `${prefix}/${climb}`).toContain(res.statusCode);
          expect(res.body).not.toContain('"name": "beacon"');
          expect(res.body).not.toContain('buildApp');
        }
      }
    });
  });

  describe('XML entity bombs and external entities in a CIN census', () => {
    const laughs = `<!DOCTYPE Message [<!ENTITY a "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`).join('')}<!ENTITY e "&j;">]>`;
    const bombs: [string, string][] = [
      ['billion laughs', `${CIN_HEAD}${laughs}${CIN_BODY}`],
      ['quadratic blow-up', `${CIN_HEAD}<!DOCTYPE Message [<!ENTITY e "${'x'.repeat(100_000)}">]>${CIN_BODY.replace('&e;', '&e;'.repeat(20_000))}`],
      ['external entity (a file)', `${CIN_HEAD}<!DOCTYPE Message [<!ENTITY e SYSTEM "file:///etc/passwd">]>${CIN_BODY}`],
      ['external entity (a loopback URL)', `${CIN_HEAD}<!DOCTYPE Message [<!ENTITY e SYSTEM "LOOPBACK/entity">]>${CIN_BODY}`],
      ['parameter entities', `${CIN_HEAD}<!DOCTYPE Message [<!ENTITY % p SYSTEM "LOOPBACK/dtd"> %p; <!ENTITY e "&x;">]>${CIN_BODY}`],
      ['an external DTD', `${CIN_HEAD}<!DOCTYPE Message SYSTEM "LOOPBACK/cin.dtd">${CIN_BODY.replace('&e;', '')}`],
      ['a harmless DOCTYPE', `${CIN_HEAD}<!DOCTYPE Message>${CIN_BODY.replace('&e;', '')}`],
    ];

    it('refuses each through the web upload, naming the DOCTYPE, soon and in little memory, fetching nothing', async () => {
      for (const [, xml] of bombs) await refused('cin', xml.replaceAll('LOOPBACK', loopback), /declares a DOCTYPE/);
      expect(fetched).toBe(0);
    });

    it('refuses an entity reference with no DOCTYPE to define it', async () => {
      await refused('cin', `${CIN_HEAD}${CIN_BODY}`, /entity reference/);
    });

    it('refuses each through the CLI, exiting 2 (an unreadable file) with the reason, loading nothing', async () => {
      const before = await digest();
      const cli = (args: string[]) => runCli(async (fn) => fn({ db: t.db, dialect: 'pglite', describe: 'test', close: async () => {} }), args);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-attack-cli-'));
      onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
      for (const [what, xml] of bombs) {
        const file = path.join(dir, 'bomb.xml');
        fs.writeFileSync(file, xml.replaceAll('LOOPBACK', loopback));
        const started = Date.now();
        const run = await cli(['import', 'cin', file, '--la', t.fixture.a.laCode]);
        expect(run.code, what).toBe(2);
        expect(run.stderr + run.stdout, what).toMatch(/DOCTYPE/);
        expect(Date.now() - started).toBeLessThan(15_000);
      }
      expect(fetched).toBe(0);
      expect(await digest()).toEqual(before);
    });
  });

  describe('zip bombs and hostile zips as an Annex A workbook', () => {
    it('reads a well-formed small workbook up to its missing columns (the zip written here is a real workbook)', async () => {
      await refused('annex_a', workbook({ data: SHEET_HEAD + SHEET_TAIL }), /List 1.*column .* is missing/);
    });

    // The spaces come before the first row, so nothing stops a reader before it has unpacked them all: unbounded, the
    // 2 GB sheet took 12 s and 400 MB before failing on a string too long for JavaScript.
    it('refuses a small file whose sheet unpacks to 2 GB, by the zip’s own directory, before unpacking it', async () => {
      const bomb = workbook(inflatesTo(SHEET_OPEN, 2048, HEADER_ROW + SHEET_TAIL));
      expect(bomb.length).toBeLessThan(4 * MiB);
      await refused('annex_a', bomb, /sheet1\.xml" unpacks to 2049 MB, more than the 100 MB/);
    });

    it('refuses a sheet that unpacks to more than its zip directory says, stopping as soon as it does', async () => {
      const { deflated } = inflatesTo(SHEET_OPEN, 2048, HEADER_ROW + SHEET_TAIL);
      await refused('annex_a', workbook({ deflated, size: 1000 }), /unpacks to more than its zip directory says \(1000 bytes\)/);
    });

    it('refuses many parts, each small, together unpacking past the limit', async () => {
      const parts = Array.from({ length: 40 }, (_, i) => ({ name: `xl/media/image${i}.bin`, ...inflatesTo('', 10, '') }));
      await refused('annex_a', workbook({ data: SHEET_HEAD + SHEET_TAIL }, parts), /it unpacks to 40\d MB, more than the 300 MB/);
      const many = Array.from({ length: ZIP_LIMITS.entries + 1 }, (_, i) => ({ name: `xl/media/${i}.txt`, data: '' }));
      await refused('annex_a', workbook({ data: SHEET_HEAD + SHEET_TAIL }, many), /holds 1005 parts, more than the 1000/);
    });

    it('refuses a zip within the zip as the sheet, and a corrupt zip, as files that are no workbook', async () => {
      const inner = zipOf([{ name: 'bomb.xml', ...inflatesTo('', 64, '') }]);
      await refused('annex_a', workbook({ data: inner }), /cannot be read as an Excel workbook/);
      const good = workbook({ data: SHEET_HEAD + SHEET_TAIL });
      await refused('annex_a', Buffer.concat([good.subarray(0, good.length - 60), Buffer.alloc(60, 0x41)]), /cannot be read as an Excel workbook|not a workbook/);
      await refused('annex_a', Buffer.from('PK\u0003\u0004 not really a zip at all'), /cannot be read as an Excel workbook/);
    });

    it('refuses parts named outside the workbook (zip slip), writing nothing outside', async () => {
      for (const name of ['../../escaped.txt', '/tmp/escaped-abs.txt', '..\\..\\escaped-win.txt', 'xl/../../escaped.txt']) {
        await refused('annex_a', workbook({ data: SHEET_HEAD + SHEET_TAIL }, [{ name, data: 'escaped' }]), /names a part outside itself/);
      }
      expect(filesUnder(sandbox)).toEqual([]);
      expect(fs.existsSync('/tmp/escaped-abs.txt')).toBe(false);
    });

    it('refuses an entity bomb in the workbook’s XML', async () => {
      const laughs = `<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>`;
      await refused('annex_a', workbook({ data: `${laughs}<worksheet xmlns="${MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&c;</t></is></c></row>${SHEET_TAIL}` }), /cannot be read as an Excel workbook/);
    });
  });
});
