import { sql } from 'kysely';
import { buildApp } from './app';
import { createDb, DatabaseInUse } from './db/create-db';
import { migrateToLatest } from './db/migrate';
import { seedDemoIfEmpty } from './db/seed/demo';
import { closeInterruptedImports } from './features/returns/import-run';
import { recordAudit } from './platform/audit';
import { ConfigError, loadConfig } from './platform/config';
import { createMailer } from './platform/email';
import { SWEEPS, type Sweep } from './sweeps';

async function main() {
  const config = loadConfig();
  const handle = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const applied = await migrateToLatest(handle.db);
  if (applied.applied.length) console.log(`Database migrated: ${applied.applied.join(', ')}`);
  const interrupted = await closeInterruptedImports(handle.db);
  if (interrupted.length) console.log(`Imports cut off when Beacon last stopped, now recorded as failed (nothing of them was loaded): ${interrupted.join(', ')}`);
  // PGlite has no autovacuum to keep the planner's statistics fresh: refresh them at each start.
  if (handle.dialect === 'pglite') await sql`analyze`.execute(handle.db);
  if (config.seedDemo) {
    const seeded = await seedDemoIfEmpty(handle.db, { ssoKey: config.ssoSecretKey });
    if (seeded) console.log(seeded.signInText);
  }
  const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom });
  const app = await buildApp({ db: handle.db, config, mailer });
  // Emails the SMTP server did not take are tried again, each after a growing wait; one round at a time.
  let retrying = false;
  const retryTimer = setInterval(() => {
    if (retrying) return;
    retrying = true;
    mailer.retryUnsent(handle.db, new Date())
      .then((r) => { if (r.sent || r.failed) app.log.info(r, 'emails tried again'); })
      .catch((err: unknown) => app.log.error({ err }, 'trying emails again failed'))
      .finally(() => { retrying = false; });
  }, 60_000);
  retryTimer.unref();
  // The scheduled work, each sweep on its own interval, one run of it at a time.
  const sweepTimers = Object.entries(SWEEPS).map(([name, sweep]: [string, Sweep]) => {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      sweep.run({ db: handle.db, mailer, now: new Date(), publicUrl: config.publicUrl, mailFrom: config.mailFrom })
        .then(async (outcome) => {
          if (outcome.audit.length) await recordAudit(handle.db, ...outcome.audit.map((e) => ({ ...e, userEmail: 'system', outcome: 'allowed' as const })));
          if (outcome.done) app.log.info({ sweep: name, done: outcome.done }, outcome.text.split('\n')[0]);
        })
        .catch((err: unknown) => app.log.error({ err, sweep: name }, 'a scheduled sweep failed'))
        .finally(() => { running = false; });
    }, sweep.everyMs);
    timer.unref();
    return timer;
  });
  const shutdown = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    clearInterval(retryTimer);
    for (const timer of sweepTimers) clearInterval(timer);
    await app.close();
    await handle.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  console.log(`Beacon is running on http://localhost:${config.port} (${handle.describe})`);
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof DatabaseInUse) {
    console.error(err.message);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
