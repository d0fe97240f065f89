import type { Db } from '../db/create-db';
import type { Config } from './config';
import type { Mailer } from './email';

/** What buildApp hands every feature's routes. */
export type AppDeps = {
  db: Db;
  config: Config;
  /** The clock: tests move it to expire sessions and lock accounts without waiting. */
  now: () => Date;
  mailer: Mailer;
};
