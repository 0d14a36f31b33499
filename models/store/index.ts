// The durable store (SQLite): see README.md for the schema, migrations and crash-safety guarantees.
export { Store, confidenceOf, type StoreOptions } from './store';
export * from './export';
export { MIGRATIONS, SCHEMA_VERSION, migrate, type Migration } from './migrations';
export { fileIdentity, type FileIdentity } from './hash';
export type * from './types';
