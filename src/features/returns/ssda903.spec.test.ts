import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { COLUMNS_903, TABLE_NAMES_903, TABLES_903, type Table903 } from './ssda903.parser';
import { ALL_CODES_903, rule903 } from './ssda903.rules';

/*
 * Beacon's SSDA903 tables and rules against the published descriptions of the return: the LIIA column
 * schema, the expanded XML return's XSD, and the public validator's list of DfE rule codes and messages.
 */

const fixture = (name: string) => readFileSync(new URL(`./fixtures/903/${name}`, import.meta.url), 'utf8');

describe('the SSDA903 as published', () => {
  it('has the columns of each table in the LIIA 2024 schema', () => {
    // `column_map:` then a table at four spaces, each of its columns at six.
    const schema: Record<string, string[]> = {};
    let table = '';
    for (const line of fixture('SocialFinanceDigitalLabs__liia-tools__liiatools__spec__s903__SSDA903_schema_2024.yml').split(/\r?\n/)) {
      const t = /^ {4}(\w+):\s*$/.exec(line);
      const c = /^ {6}(\w+):\s*$/.exec(line);
      if (t) schema[(table = t[1]!)] = [];
      else if (c && table) schema[table]!.push(c[1]!);
    }
    // The schema names the social worker table SocialWorker; DoLo is newer than it.
    const named = (t: Table903) => (t === 'sw_episodes' ? 'SocialWorker' : TABLE_NAMES_903[t]);
    for (const t of TABLES_903.filter((x) => x !== 'dolo')) {
      expect([...(schema[named(t)] ?? [])].sort(), TABLE_NAMES_903[t]).toEqual([...COLUMNS_903[t]].sort());
    }
    expect(Object.keys(schema).sort()).toEqual(TABLES_903.filter((x) => x !== 'dolo').map(named).sort());
  });

  it('holds every item of the expanded XML return (2021 XSD) in one of its tables', () => {
    const xsd = fixture('SocialFinanceDigitalLabs__csc-data-synthesizer__tests__data__CLA.xsd');
    // A data item is an element with a simple type; the others (CHILD, HEADER, EPISODE…) group them.
    const items = [...xsd.matchAll(/<xs:element name="(\w+)"[^>]*>\s*<xs:simpleType/g)].map((m) => m[1]!);
    expect(items.length).toBeGreaterThan(40);
    const columns = new Set(Object.values(COLUMNS_903).flat());
    // The XML form names the child CHILDID and the placement PL, and marks a UASC child with a flag
    // where the CSV return has a table of its own.
    const inCsv = (item: string) => ({ CHILDID: 'CHILD', PL: 'PLACE', UASC: 'DUC' } as Record<string, string>)[item] ?? item;
    expect(items.filter((item) => !columns.has(inCsv(item)))).toEqual([]);
  });

  it('knows every DfE rule code of 2024-25 with its message, word for word', () => {
    const rows = parse(fixture('data-to-insight__csc-validator-be-903__output_data__903_2024_25_rule_info.csv'), { columns: true, bom: true }) as { 'Rule code': string; 'Rule message': string }[];
    expect(rows.length).toBe(312);
    const missing = rows.filter((r) => !ALL_CODES_903.includes(r['Rule code']));
    expect(missing.map((r) => r['Rule code'])).toEqual([]);
    // The list's message is the rule's in some year: the validator's year folders re-word a few (101's
    // "sex" for "gender" from 2024-25) and withdraw others, and those changes are kept by year.
    const years = [2022, 2023, 2024, 2025, 2026];
    const differ = rows.filter((r) => !years.some((y) => rule903(r['Rule code'], y)?.message === r['Rule message']));
    expect(differ.map((r) => r['Rule code'])).toEqual([]);
  });
});
