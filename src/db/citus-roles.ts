/**
 * Every table's role in a Citus cluster distributed by partnership, worked out from the schema (the
 * catalogue of a migrated database): distributed by partnership_id and colocated, a reference table on
 * every node, or on the coordinator only; and what in each would have to change (keys and foreign keys
 * without partnership_id, integer sequences). docs/scaling.md holds the table scripts/citus-roles.ts writes.
 */
import { sql } from 'kysely';
import type { Db } from './create-db';

export const ROLES_START = '<!-- citus-roles:start (scripts/citus-roles.ts writes this table) -->';
export const ROLES_END = '<!-- citus-roles:end -->';

export type Role = 'distributed' | 'reference' | 'coordinator';

/** Tables whose role is a decision rather than a consequence of their columns, and why. */
const DECIDED: Record<string, { role: Role; why: string }> = {
  partnership: { role: 'reference', why: 'the tenants themselves (one row each); every node joins to it, and national queries name them' },
  partnership_child_population: { role: 'distributed', why: 'the populations the rates divide by' },
  app_user: { role: 'reference', why: 'a person may belong to several partnerships (membership): one row each, joined to records everywhere' },
  membership: { role: 'reference', why: 'which partnerships (and roles) a person has, read at sign-in and when switching partnership' },
  agency: { role: 'reference', why: 'an agency (a police force, an ICB, a trust) serves several partnerships' },
  agency_partnership: { role: 'reference', why: 'which partnerships an agency serves' },
  session: { role: 'coordinator', why: 'read and touched on every request, never joined with a partnership\'s records; a Citus local table' },
  audit_event: { role: 'distributed', why: 'once its hash chain is one per partnership (see "The audit chain"); entries with no partnership join the platform\'s chain' },
  audit_checkpoint: { role: 'distributed', why: 'with the chain it checks: one head per partnership\'s chain' },
  sso_identity: { role: 'reference', why: 'a person\'s identity at their agency\'s provider, with the person' },
  sso_attempt: { role: 'coordinator', why: 'a sign-in under way (minutes), never joined with a partnership\'s records' },
  email_verification: { role: 'coordinator', why: 'a sign-up\'s token, with the person; never joined with a partnership\'s records' },
  working_day: { role: 'reference', why: 'the calendar every indicator query joins' },
  kysely_migration: { role: 'coordinator', why: 'the migrator\'s own; Citus propagates the DDL to the workers' },
  kysely_migration_lock: { role: 'coordinator', why: 'the migrator\'s own' },
};

export type TableInfo = {
  name: string;
  partnershipColumn: 'not null' | 'nullable' | null;
  keys: { name: string; kind: 'primary key' | 'unique'; columns: string[] }[];
  foreignKeys: { name: string; columns: string[]; references: string; refColumns: string[] }[];
  generated: string[];
};

/** The schema as the roles need it, read from a migrated database's catalogue. */
export async function readSchema(db: Db): Promise<TableInfo[]> {
  const tables = (await sql<{ name: string }>`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') order by c.relname`.execute(db)).rows.map((r) => r.name);
  const columns = (await sql<{ table: string; column: string; not_null: boolean; generated: string | null; type: string }>`
    select c.relname as table, a.attname as column, a.attnotnull as not_null,
      case when a.attidentity <> '' then 'identity' when pg_get_expr(d.adbin, d.adrelid) like 'nextval(%' then 'sequence' end as generated,
      format_type(a.atttypid, a.atttypmod) as type
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where n.nspname = 'public' and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped`.execute(db)).rows;
  const constraints = (await sql<{ table: string; name: string; kind: string; columns: string[]; references: string | null; ref_columns: string[] | null }>`
    select c.relname as table, k.conname as name, k.contype as kind,
      array(select a.attname::text from unnest(k.conkey) with ordinality u(n, i) join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n order by u.i) as columns,
      r.relname as references,
      array(select a.attname::text from unnest(k.confkey) with ordinality u(n, i) join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.n order by u.i) as ref_columns
    from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
    left join pg_class r on r.oid = k.confrelid
    where n.nspname = 'public' and k.contype in ('p', 'u', 'f') order by c.relname, k.conname`.execute(db)).rows;
  // Unique indexes that are not constraints (expressions and partial ones among them).
  const uniqueIndexes = (await sql<{ table: string; name: string; columns: string[] }>`
    select c.relname as table, i.relname as name,
      array(select coalesce(a.attname::text, 'expression') from unnest(x.indkey) with ordinality u(n, o) left join pg_attribute a on a.attrelid = x.indrelid and a.attnum = u.n order by u.o) as columns
    from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class c on c.oid = x.indrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and x.indisunique and not exists (select 1 from pg_constraint k where k.conindid = x.indexrelid)
    order by c.relname, i.relname`.execute(db)).rows;
  return tables.map((name) => {
    const p = columns.find((c) => c.table === name && c.column === 'partnership_id');
    return {
      name,
      partnershipColumn: p ? (p.not_null ? 'not null' : 'nullable') : null,
      keys: [
        ...constraints.filter((k) => k.table === name && k.kind !== 'f').map((k) => ({ name: k.name, kind: k.kind === 'p' ? 'primary key' as const : 'unique' as const, columns: k.columns })),
        ...uniqueIndexes.filter((k) => k.table === name).map((k) => ({ name: k.name, kind: 'unique' as const, columns: k.columns })),
      ],
      foreignKeys: constraints.filter((k) => k.table === name && k.kind === 'f')
        .map((k) => ({ name: k.name, columns: k.columns, references: k.references!, refColumns: k.ref_columns ?? [] })),
      generated: columns.filter((c) => c.table === name && c.generated).map((c) => `${c.column} ${c.type} ${c.generated}`),
    };
  });
}

/**
 * Each table's role: a decision where one is recorded, else distributed when it carries partnership_id or
 * hangs off a table that does (then it must carry it too), else reference.
 */
export function roleOf(t: TableInfo, all: TableInfo[]): { role: Role; why: string } {
  if (DECIDED[t.name]) return DECIDED[t.name]!;
  if (t.partnershipColumn === 'not null') return { role: 'distributed', why: '' };
  if (t.partnershipColumn === 'nullable') return { role: 'distributed', why: 'partnership_id must become NOT NULL first' };
  const parent = t.foreignKeys.find((f) => f.references !== 'partnership' && all.find((x) => x.name === f.references)?.partnershipColumn);
  if (parent) return { role: 'distributed', why: `rows of a partnership's ${parent.references}, with no partnership_id of their own` };
  return { role: 'reference', why: 'no partnership_id' };
}

export function rolesTable(tables: TableInfo[]): string {
  const roles = new Map(tables.map((t) => [t.name, roleOf(t, tables).role]));
  const lines = [
    '| Table | Citus role | What has to change | Why |',
    '|---|---|---|---|',
  ];
  for (const t of tables) {
    const { role, why } = roleOf(t, tables);
    const changes: string[] = [];
    if (role === 'distributed') {
      if (t.partnershipColumn === null) changes.push('add partnership_id');
      if (t.partnershipColumn === 'nullable') changes.push('partnership_id NOT NULL');
      for (const k of t.keys.filter((x) => !x.columns.includes('partnership_id'))) changes.push(`${k.kind} ${k.name} (${k.columns.join(', ')}) + partnership_id`);
      for (const f of t.foreignKeys) {
        const target = roles.get(f.references);
        if (target === 'distributed' && !f.columns.includes('partnership_id')) changes.push(`FK ${f.name} → ${f.references} through (partnership_id, ${f.columns.join(', ')})`);
        if (target === 'coordinator') changes.push(`FK ${f.name} → ${f.references} (coordinator) dropped, checked by the application`);
      }
      // Citus gives each node its own range of a distributed table's bigint sequence; an integer one works only through the coordinator.
      for (const g of t.generated.filter((x) => !x.includes('bigint'))) changes.push(`${g}: bigint`);
    } else {
      for (const f of t.foreignKeys) {
        if (roles.get(f.references) === 'distributed') changes.push(`FK ${f.name} → ${f.references} (distributed) not allowed: dropped or the table distributed`);
      }
    }
    lines.push(`| ${t.name} | ${role === 'distributed' ? 'distributed by partnership_id, colocated' : role === 'reference' ? 'reference (on every node)' : 'coordinator only (local)'} | ${changes.join('; ') || '-'} | ${why || '-'} |`);
  }
  const count = (r: Role) => [...roles.values()].filter((x) => x === r).length;
  lines.push('', `${tables.length} tables: ${count('distributed')} distributed, ${count('reference')} reference, ${count('coordinator')} on the coordinator only.`);
  return lines.join('\n');
}

/** The document with its table of roles replaced by `table`. */
export function withRolesTable(doc: string, table: string): string {
  const from = doc.indexOf(ROLES_START);
  const to = doc.indexOf(ROLES_END);
  if (from < 0 || to < from) throw new Error(`no ${ROLES_START} … ${ROLES_END} markers`);
  return `${doc.slice(0, from + ROLES_START.length)}\n${table}\n${doc.slice(to)}`;
}
