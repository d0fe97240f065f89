import type { Timestamp } from './schema';

/**
 * Columns that migration 2026_11_25_0310 adds to the training tables, merged into their row types (the
 * tables themselves belong to schema-training.ts).
 */
declare module './schema-training' {
  interface BookingTable {
    /** When the person was reminded to send their evaluation: once, a week after it was asked for. */
    evaluation_reminded_at: Timestamp | null;
  }
}
