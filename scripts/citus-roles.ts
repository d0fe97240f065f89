/**
 * Writes the table of docs/scaling.md that gives every table its role in a Citus cluster distributed by
 * partnership (src/db/citus-roles.ts), from the schema itself: every migration run on an in-memory
 * database, so that it stays true as tables are added. src/db/citus-roles.integration.test.ts fails when
 * the table there is out of date.
 *
 *   node --import tsx scripts/citus-roles.ts          rewrites the table in docs/scaling.md
 *   node --import tsx scripts/citus-roles.ts --check  exits 1 when the table there is out of date
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readSchema, rolesTable, withRolesTable } from '../src/db/citus-roles';
import { createDb } from '../src/db/create-db';
import { migrateToLatest } from '../src/db/migrate';

const DOC = fileURLToPath(new URL('../docs/scaling.md', import.meta.url));

const handle = await createDb({ databaseUrl: 'memory://' });
let table: string;
try {
  await migrateToLatest(handle.db);
  table = rolesTable(await readSchema(handle.db));
} finally {
  await handle.close();
}
const doc = fs.readFileSync(DOC, 'utf8');
const next = withRolesTable(doc, table);
if (process.argv.includes('--check')) {
  if (next !== doc) {
    console.error('docs/scaling.md: the table of Citus roles is out of date; run node --import tsx scripts/citus-roles.ts');
    process.exit(1);
  }
  console.log('docs/scaling.md: the table of Citus roles is up to date');
} else {
  fs.writeFileSync(DOC, next);
  console.log(`docs/scaling.md: the table of Citus roles written (${table.split('\n').length - 4} tables)`);
}
