import { sql } from 'kysely';
import type { Db } from '../db/create-db';

export type TableDigests = Record<string, { rows: number; md5: string }>;

/**
 * Every table's row count and an MD5 of its rows' text, sorted byte-wise: computed by the database itself,
 * with the settings that make the text the same on PGlite and on a server, so two databases can be compared.
 */
export async function tableDigests(db: Db): Promise<TableDigests> {
  return db.transaction().execute(async (tx) => {
    await sql`set local timezone = 'UTC'`.execute(tx);
    await sql`set local extra_float_digits = 3`.execute(tx);
    const { rows: tables } = await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = current_schema() order by 1`.execute(tx);
    const out: TableDigests = {};
    for (const { name } of tables) {
      const { rows } = await sql<{ rows: number; md5: string }>`
        select count(*)::int as rows, md5(coalesce(string_agg(t::text, E'\n' order by t::text collate "C"), '')) as md5
        from ${sql.table(name)} t`.execute(tx);
      out[name] = rows[0]!;
    }
    return out;
  });
}

/** The digests without the audit log's tables: a restore adds its own entry, and a verification a checkpoint. */
export function withoutAuditLog(d: TableDigests): TableDigests {
  return Object.fromEntries(Object.entries(d).filter(([t]) => t !== 'audit_event' && t !== 'audit_checkpoint'));
}
