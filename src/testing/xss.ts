import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import type { Db } from '../db/create-db';

/**
 * Stored cross-site scripting, tried the way an attacker would: text that breaks out of every context a
 * page puts user text in (element content, a quoted or unquoted attribute, an address, a textarea, the
 * title, a template) is stored in every text column, and every page is then read for any sign that it ran.
 * Each payload that could run sets window.__xss, which no page of Beacon's ever sets.
 */

export const XSS_MARK = 'window.__xss=1';
/** `{{7*7}}` between these would read `tmpl49tmpl` had a template engine evaluated user text. */
export const TEMPLATE_EVALUATED = 'tmpl49tmpl';

export const PAYLOADS = {
  script: `<script>${XSS_MARK}</script>`,
  img: `"><img src=x onerror="${XSS_MARK}">`,
  svg: `'><svg onload=${XSS_MARK}>`,
  href: `javascript:${XSS_MARK}`,
  template: 'tmpl{{7*7}}tmpl {% raw %}{{ 6*7 }}',
  textarea: `</textarea><script>${XSS_MARK}</script>`,
  title: `</title><script>${XSS_MARK}</script>`,
  backtick: `\`x\` onfocus=${XSS_MARK} autofocus x=\``,
  // Right-to-left override, zero-width and combining characters, an astral emoji sequence, Arabic script.
  unicode: '\u202Egnp.exe\u202C \u200B<b>bold?</b> Z\u0351\u0358a\u0361l\u0362g\u0334o 👩‍👧‍👦 مرحبا',
  formula: '=cmd|\' /C calc\'!A0',
  formulaAt: '@SUM(1+1)*cmd|\' /C calc\'!A0',
  polyglot: `</title></textarea></script>"'\`><img src=x onerror=${XSS_MARK}><svg onload=${XSS_MARK}>tmpl{{7*7}}tmpl`,
  long: `${'A very long piece of text that goes on. '.repeat(60)}<script>${XSS_MARK}</script>`,
} as const;

/** Short enough for any column that holds a name or a title. */
const SHORT = Object.values(PAYLOADS).filter((p) => p.length <= 60);
/** For a column that must stay unique (a name within a partnership): appended to what it held. */
const SUFFIX = ` "><img src=x onerror=${XSS_MARK}>`;

/**
 * Columns left as they are, and why. Everything else of type text, varchar, text[] or jsonb is given payloads
 * unless the database refuses them (a check constraint: a code list or a format), which plantPayloads reports.
 */
export const KEEP: Record<string, string> = {
  'app_user.email': 'the demo people sign in with it',
  'app_user.password_hash': 'the demo people sign in with it',
  'app_user.mfa_secret': 'the demo people sign in with it',
  'session.*': 'the signed-in people\'s sessions: a changed token signs them out',
  'sso_attempt.*': 'a sign-in under way (state, nonce, verifier), never shown',
  'email_verification.token_hash': 'a secret, never shown',
  'api_token.token_hash': 'a secret, never shown',
  'kysely_migration.*': 'the migrator\'s own bookkeeping',
  'kysely_migration_lock.*': 'the migrator\'s own bookkeeping',
  'audit_event.*': 'append-only and hash-chained; the app writes it as the pages are read, with the planted names and addresses in it',
  'indicator_month.*': 'a cache of computed figures, rebuilt from the records',
  'import_run.counts': 'counts the import wrote, numbers only',
  'import_run.progress': 'counts the import wrote, numbers only',
  'partnership.settings': 'timescales and thresholds, numbers only',
  'report_section.catalogue_key': 'names the catalogue entry a section was made from: a code, never shown',
};

export type PlantResult = { planted: { column: string; rows: number; how: string }[]; refused: { column: string; reason: string }[]; kept: { column: string; reason: string }[] };

/**
 * Writes payloads into every text-like column of every table (each row one of the payloads, so that a
 * page listing rows shows several), except the KEEP list, keys and columns the database refuses them for.
 * jsonb gets payloads in its strings that hold a space (prose, not codes).
 */
export async function plantPayloads(db: Db): Promise<PlantResult> {
  const result: PlantResult = { planted: [], refused: [], kept: [] };
  const { rows: columns } = await sql<{ table: string; column: string; type: string }>`
    select c.table_name as table, c.column_name as column, c.udt_name as type
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
    where c.table_schema = 'public' and c.udt_name in ('text', 'varchar', '_text', '_varchar', 'jsonb')
      and not exists (select 1 from information_schema.key_column_usage k join information_schema.table_constraints tc on tc.constraint_name = k.constraint_name and tc.table_schema = k.table_schema
        where k.table_schema = c.table_schema and k.table_name = c.table_name and k.column_name = c.column_name and tc.constraint_type in ('PRIMARY KEY', 'FOREIGN KEY'))
    order by 1, 2`.execute(db);
  await sql`create or replace function pg_temp.xss_plant(j jsonb, payloads text[]) returns jsonb language plpgsql as $$
    begin
      case jsonb_typeof(j)
        when 'object' then return (select coalesce(jsonb_object_agg(key, pg_temp.xss_plant(value, payloads)), '{}'::jsonb) from jsonb_each(j));
        when 'array' then return (select coalesce(jsonb_agg(pg_temp.xss_plant(value, payloads) order by n), '[]'::jsonb) from jsonb_array_elements(j) with ordinality as e(value, n));
        when 'string' then
          if j #>> '{}' ~ '\\s' then return to_jsonb(payloads[1 + abs(hashtext(j #>> '{}')) % cardinality(payloads)]); end if;
          return j;
        else return j;
      end case;
    end $$`.execute(db);
  const all = Object.values(PAYLOADS) as string[];
  for (const { table, column, type } of columns) {
    const name = `${table}.${column}`;
    const kept = KEEP[name] ?? KEEP[`${table}.*`];
    if (kept) { result.kept.push({ column: name, reason: kept }); continue; }
    const t = sql.table(table);
    const c = sql.ref(column);
    const pick = (list: string[]) => sql`(${sql.val(list)}::text[])[1 + abs(hashtext(ctid::text)) % ${list.length}]`;
    const attempts = type === 'jsonb'
      ? [{ how: 'strings with a space', set: sql`pg_temp.xss_plant(${c}, ${sql.val(SHORT)}::text[])` }]
      : type.startsWith('_')
        ? [{ how: 'every element', set: sql`array(select ${pick(SHORT)} from unnest(${c}))` }, { how: 'every element, suffixed', set: sql`array(select x || ${SUFFIX} from unnest(${c}) as x)` }]
        : [
          { how: 'payloads', set: pick(all) },
          { how: 'short payloads', set: pick(SHORT) },
          { how: 'suffixed', set: sql`${c} || ${SUFFIX}` },
        ];
    let reason = '';
    for (const attempt of attempts) {
      try {
        const res = await sql`update ${t} set ${c} = ${attempt.set} where ${c} is not null`.execute(db);
        result.planted.push({ column: name, rows: Number(res.numAffectedRows ?? 0), how: attempt.how });
        reason = '';
        break;
      } catch (err) {
        reason = (err as Error).message;
      }
    }
    if (reason) result.refused.push({ column: name, reason });
  }
  return result;
}

/** Any sign on the page that injected markup became markup or ran. Empty when the page is clean. */
export async function xssSignals(page: Page): Promise<string[]> {
  return page.evaluate(({ evaluated }) => {
    const found: string[] = [];
    if ((window as unknown as { __xss?: unknown }).__xss !== undefined) found.push('window.__xss was set: a payload ran');
    for (const el of document.querySelectorAll('img[src="x"], svg[onload]')) found.push(`injected element: ${el.outerHTML.slice(0, 120)}`);
    for (const el of document.querySelectorAll('b')) if (el.textContent === 'bold?') found.push('injected element: <b>bold?</b>');
    for (const el of document.querySelectorAll('*')) {
      for (const attr of el.getAttributeNames()) {
        if (/^on/i.test(attr)) found.push(`event handler attribute ${attr} on <${el.tagName.toLowerCase()}>`);
      }
    }
    for (const el of document.querySelectorAll('script')) {
      if (!el.src && el.textContent?.includes('__xss')) found.push('an injected inline script');
    }
    for (const el of document.querySelectorAll('a[href], [formaction], iframe[src], form[action]')) {
      const target = el.getAttribute('href') ?? el.getAttribute('formaction') ?? el.getAttribute('src') ?? el.getAttribute('action') ?? '';
      if (/^\s*(javascript|data|vbscript):/i.test(target)) found.push(`a ${target.split(':')[0]}: address on <${el.tagName.toLowerCase()}>`);
    }
    if ((document.body.textContent ?? '').includes(evaluated)) found.push('a template evaluated user text ({{7*7}} became 49)');
    return found;
  }, { evaluated: TEMPLATE_EVALUATED });
}

/** Whether the page shows a payload as the text it is (escaped, not interpreted). */
export async function showsPayloadAsText(page: Page): Promise<boolean> {
  // textContent, not innerText: the same words without laying the page out, which takes long on the longest pages.
  const text = await page.evaluate(() => document.body.textContent ?? '');
  return [PAYLOADS.script, PAYLOADS.img, PAYLOADS.svg, PAYLOADS.textarea, PAYLOADS.title, PAYLOADS.polyglot].some((p) => text.includes(p.slice(0, 30)));
}

/** Cells of a CSV (RFC 4180 quoting) that a spreadsheet would run as a formula. */
export function formulaCells(csv: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const ch = csv[i]!;
    if (quoted) {
      if (ch === '"' && csv[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',' || ch === '\n') { cells.push(cell); cell = ''; } else if (ch !== '\r') cell += ch;
  }
  cells.push(cell);
  return cells.filter((c) => /^[=+\-@\t\r]/.test(c) && !/^[+-]?\d+(\.\d+)?$/.test(c));
}
