import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastFinancialYearEnd } from '../db/seed/partner-data';
import { docxBody, htmlDom, pdfInfo, pdfPageImages, pdfPagesText } from '../features/report-output/fixtures/read-outputs';
import { runCli } from '../testing/cli';
import { createTestDb, dialects, type TestDb } from '../testing/test-db';

describe.each(dialects())('beacon report annual (%s)', (dialect) => {
  let t: TestDb;
  let dir: string;
  const cli = (args: string[]) => runCli(async (fn) => fn({ db: t.db, dialect: t.dialect, describe: 'test', close: async () => {} }), args);
  // The demo's last complete financial year: its partner data, and the report its business manager is drafting.
  const to = lastFinancialYearEnd(new Date().toISOString().slice(0, 10));
  const from = `${Number(to.slice(0, 4)) - 1}-04-01`;
  const year = `${from.slice(0, 4)}-${to.slice(2, 4)}`;
  const period = ['--la', '990', '--from', from, '--to', to];

  beforeAll(async () => {
    t = await createTestDb(dialect);
    dir = await mkdtemp(path.join(os.tmpdir(), 'beacon-report-cli-'));
    const seeded = await cli(['demo', 'seed', '--children', '60']);
    expect(seeded.code, seeded.stderr).toBe(0);
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes the demo partnership’s report as a web page, says what it wrote, and audits it', async () => {
    const out = path.join(dir, `northmere-annual-report-${year}-internal.html`);
    const res = await cli(['report', 'annual', ...period, '--format', 'html', '--out', out]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/^Assembling the internal version of Northmere Safeguarding Children Partnership’s annual report/);
    expect(res.stderr).toMatch(/\d+ sections assembled; writing the HTML/);
    const html = await readFile(out, 'utf8');
    const [, sections, bytes] = /^(\d+) sections, internal version, HTML, (\d+) bytes: (.+)\n$/.exec(res.stdout)!;
    expect(res.stdout.trim().endsWith(out)).toBe(true);
    expect(Number(bytes)).toBe(Buffer.byteLength(html));
    const page = htmlDom(html);
    expect(page.documentElement.getAttribute('lang')).toBe('en-GB');
    expect(page.querySelectorAll('section h2')).toHaveLength(Number(sections));
    expect([...page.querySelectorAll('section h2')].map((h) => h.textContent)).toEqual(expect.arrayContaining(['Police', 'What does our data tell us?', 'Missing children']));
    expect(page.querySelectorAll('table caption').length).toBeGreaterThan(0);
    // Nothing half-written is left beside it.
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const audit = await t.db.selectFrom('audit_event').select(['user_email', 'detail']).where('action', '=', 'annual_report.export').executeTakeFirstOrThrow();
    expect(audit.user_email).toMatch(/^cli:/);
    expect(audit.detail).toMatchObject({ from, to, edition: 'internal', format: 'html', sections: Number(sections), bytes: Number(bytes) });
  });

  it('writes the public version as a Word document with real headings and tables', async () => {
    const out = path.join(dir, 'report.docx');
    const res = await cli(['report', 'annual', ...period, '--format', 'docx', '--out', out, '--public']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^\d+ sections, public version, DOCX, \d+ bytes: /);
    const { body } = await docxBody(await readFile(out));
    const headings = body.filter((b) => b.kind === 'p' && b.style === 'Heading1').map((b) => (b.kind === 'p' ? b.text : ''));
    expect(headings).toEqual(expect.arrayContaining(['Police', 'What does our data tell us?']));
    expect(headings.length).toBe(Number(/^(\d+)/.exec(res.stdout)![1]));
    const tables = body.filter((b) => b.kind === 'tbl');
    expect(tables.length).toBeGreaterThan(0);
    for (const table of tables) expect(table.kind === 'tbl' && table.rows[0]!.header).toBe(true);
  });

  it('writes it as a PDF whose every page renders', async () => {
    const out = path.join(dir, 'report.pdf');
    const res = await cli(['report', 'annual', ...period, '--format', 'pdf', '--out', out, '--public']);
    expect(res.code, res.stderr).toBe(0);
    const pdf = await readFile(out);
    const info = await pdfInfo(pdf);
    const pages = await pdfPagesText(pdf);
    expect(Number(info.Pages)).toBe(pages.length);
    expect(pages.length).toBeGreaterThan(3);
    expect(pages[1]).toContain('Contents');
    expect(pages.join('\n')).toContain('Police');
    const images = await pdfPageImages(pdf);
    expect(images).toHaveLength(pages.length);
    for (const image of images) expect(image.darkShare).toBeGreaterThan(0.0005);
  });

  it('refuses a missing or malformed option with exit 2, naming it, and writes nothing', async () => {
    const out = path.join(dir, 'refused.pdf');
    for (const [args, message] of [
      [['--la', '990', '--from', from, '--to', to, '--format', 'pdf'], "required option '--out <file>' not specified"],
      [['--la', '990', '--to', to, '--format', 'pdf', '--out', out], "required option '--from <date>' not specified"],
      [['--la', '990', '--from', '2025-02-30', '--to', to, '--format', 'pdf', '--out', out], '--from must be a real date in the form YYYY-MM-DD, not "2025-02-30"'],
      [['--la', '990', '--from', from, '--to', '31/03/2026', '--format', 'pdf', '--out', out], '--to must be a real date in the form YYYY-MM-DD, not "31/03/2026"'],
      [['--la', '990', '--from', to, '--to', from, '--format', 'pdf', '--out', out], `--to (${from}) must be after --from (${to})`],
      [['--la', '990', '--from', from, '--to', to, '--format', 'odt', '--out', out], '--format must be html, docx or pdf, not "odt"'],
      [['--la', '999', '--from', from, '--to', to, '--format', 'pdf', '--out', out], '--la: no partnership has LA code 999'],
      [['--la', 'north', '--from', from, '--to', to, '--format', 'pdf', '--out', out], '--la must be a 3-digit DfE local authority code, not "north"'],
      [['--la', '990', '--from', from, '--to', to, '--format', 'pdf', '--out', path.join(dir, 'no-such-folder', 'r.pdf')], `--out: the folder ${path.join(dir, 'no-such-folder')} does not exist`],
    ] as const) {
      const res = await cli(['report', 'annual', ...args]);
      expect(res.code, message).toBe(2);
      expect(res.stderr).toContain(message);
      expect(res.stdout).toBe('');
    }
    expect((await readdir(dir)).filter((f) => f.startsWith('refused') || f.endsWith('.tmp'))).toEqual([]);
  });
});
