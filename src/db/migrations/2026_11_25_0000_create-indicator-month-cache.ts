import { sql, type Kysely } from 'kysely';

// Frozen: a migration never imports application code and is never edited once landed.
//
// The figures of each past calendar month, kept so that a trend or a year need not be worked out again
// from every record each time (a large local authority's 24 months take over a second to compute, and
// a finished month's figures seldom change). A month's figures are kept with the version of the
// definitions that made them; the application ignores any other version.
//
// Triggers on the records the indicators count note, in `indicator_stale`, the earliest date a change
// may alter, per partnership; the application drops the months from that date before it reads. They
// are statement triggers over the changed rows, so a bulk import costs one insert, not one per row.
// A change is noted only when it can touch a month already over (by the database's date), so the day's
// ordinary work adds nothing; it is a plain insert, never an update, so writers do not queue on a lock.
//
// And indexes by end date (open records as the end of time), so that the records open on a recent date
// are found among those ended since, not among every record ever started.
//
// What a change may alter, per row:
// - inserted or deleted: its earliest date;
// - updated: the earlier of the old and new value of each date that changed; its earliest date when a
//   counted property changed (a category, a legal status...); every month when a link changed (child,
//   referral, partnership), because another record's figures may then move anywhere in time.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('indicator_month')
    .addColumn('partnership_id', 'integer', (c) => c.notNull().references('partnership.id').onDelete('cascade'))
    .addColumn('month', 'date', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('figures', 'jsonb', (c) => c.notNull())
    .addColumn('computed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('indicator_month_pk', ['partnership_id', 'month'])
    .execute();

  await db.schema.createTable('indicator_stale')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('partnership_id', 'integer', (c) => c.notNull())
    .addColumn('since', 'date', (c) => c.notNull())
    .execute();
  await sql`create index indicator_stale_partnership_idx on indicator_stale (partnership_id)`.execute(db);
  for (const [table, end] of ENDS) {
    await sql`create index ${sql.id(`${table}_partnership_end_idx`)} on ${sql.table(table)} (partnership_id, coalesce(${sql.ref(end)}, 'infinity'::date))`.execute(db);
  }

  // TG_ARGV: the row's dates, its counted properties, its links; each a comma-separated column list.
  await sql`create function indicator_note_change() returns trigger language plpgsql as $$
    declare
      dates text[] := string_to_array(TG_ARGV[0], ',');
      props text[] := string_to_array(nullif(TG_ARGV[1], ''), ',');
      links text[] := string_to_array(TG_ARGV[2], ',');
      changed text;
      q text;
    begin
      if TG_OP = 'UPDATE' then
        changed := concat_ws(', ',
          (select string_agg(format('case when o.%1$I is distinct from n.%1$I then least(o.%1$I, n.%1$I) end', d), ', ') from unnest(dates) d),
          (select format('case when (%s) is distinct from (%s) then least(%s) end',
             string_agg('o.' || quote_ident(p), ', '), string_agg('n.' || quote_ident(p), ', '),
             (select string_agg(format('o.%1$I, n.%1$I', d), ', ') from unnest(dates) d)) from unnest(props) p having count(*) > 0),
          (select format('case when (%s) is distinct from (%s) then ''-infinity''::date end',
             string_agg('o.' || quote_ident(l), ', '), string_agg('n.' || quote_ident(l), ', ')) from unnest(links) l having count(*) > 0));
        q := format('select v.p, least(%s) as since from old_rows o join new_rows n on n.id = o.id
          cross join lateral (values (o.partnership_id), (n.partnership_id)) v(p)', changed);
      else
        q := format('select r.partnership_id as p, least(%s) as since from %s r',
          (select string_agg('r.' || quote_ident(d), ', ') from unnest(dates) d),
          case TG_OP when 'INSERT' then 'new_rows' else 'old_rows' end);
      end if;
      execute format('insert into indicator_stale (partnership_id, since)
        select p, min(since) from (%s) x
        where since is not null and (date_trunc(''month'', since) + interval ''1 month'' - interval ''1 day'')::date < current_date
        group by p', q);
      return null;
    end $$`.execute(db);

  for (const [table, dates, props, links] of WATCHED) {
    for (const op of ['insert', 'update', 'delete'] as const) {
      const rows = op === 'insert' ? sql`new table as new_rows` : op === 'delete' ? sql`old table as old_rows` : sql`old table as old_rows new table as new_rows`;
      await sql`create trigger ${sql.id(`${table}_indicator_${op}`)} after ${sql.raw(op)} on ${sql.table(table)}
        referencing ${rows} for each statement execute function indicator_note_change(${sql.lit(dates)}, ${sql.lit(props)}, ${sql.lit(links)})`.execute(db);
    }
  }
}

const ENDS = [['referral', 'closure_date'], ['cin_plan', 'end_date'], ['cp_plan', 'end_date'], ['cla_episode', 'end_date']] as const;

/** Each table the indicators count: [table, dates, counted properties, links]. */
const WATCHED: [string, string, string, string][] = [
  ['contact', 'contact_date', '', 'child_id,partnership_id'],
  ['referral', 'referral_date,closure_date', 'referral_nfa', 'child_id,partnership_id'],
  ['assessment', 'start_date,authorisation_date', 'factors', 'referral_id,partnership_id'],
  ['s47_enquiry', 'start_date', '', 'referral_id,partnership_id'],
  ['initial_conference', 'conference_date', '', 'referral_id,s47_enquiry_id,partnership_id'],
  ['cp_plan', 'start_date,end_date', 'initial_category,latest_category,previous_plans', 'referral_id,partnership_id'],
  ['cin_plan', 'start_date,end_date', '', 'referral_id,partnership_id'],
  ['cla_episode', 'start_date,end_date', 'reason_new_episode,legal_status', 'child_id,partnership_id'],
  ['missing_episode', 'start_date', 'missing_type', 'child_id,partnership_id'],
];

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [table] of WATCHED) {
    for (const op of ['insert', 'update', 'delete']) await sql`drop trigger if exists ${sql.id(`${table}_indicator_${op}`)} on ${sql.table(table)}`.execute(db);
  }
  await sql`drop function if exists indicator_note_change()`.execute(db);
  for (const [table] of ENDS) await sql`drop index if exists ${sql.id(`${table}_partnership_end_idx`)}`.execute(db);
  await db.schema.dropTable('indicator_stale').ifExists().execute();
  await db.schema.dropTable('indicator_month').ifExists().execute();
}
