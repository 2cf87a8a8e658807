import { createMemoryLedger, createSqliteLedger } from '../../src/ledger';
import { runLoadHistorySuite } from '../conformance/load-history.suite';
import { postgresLedgerFixtures } from './postgres-fixtures';

const postgres = postgresLedgerFixtures('load');

runLoadHistorySuite('memory', { create: () => createMemoryLedger() });
runLoadHistorySuite('sqlite', { create: () => createSqliteLedger({ path: ':memory:' }) });
runLoadHistorySuite('postgres', { create: () => postgres.open({ batchSize: 64, flushIntervalMs: 10 }) });
