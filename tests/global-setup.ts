/**
 * Runs once before the suite: builds the migrated template database that every test file clones, and
 * drops test databases left behind by earlier runs (a failed file keeps its database for inspection
 * until the next run).
 */
import { ensureTemplateDatabase, dropStaleTestDatabases } from './helpers/test-db.js';

export default async function setup(): Promise<void> {
  await dropStaleTestDatabases();
  await ensureTemplateDatabase();
}
