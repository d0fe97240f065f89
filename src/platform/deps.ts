import type { Db } from '../db/create-db';
import type { Config } from './config';

/** What buildApp hands every feature's routes. */
export type AppDeps = {
  db: Db;
  config: Config;
  /** The clock: tests move it to expire sessions and lock accounts without waiting. */
  now: () => Date;
};
