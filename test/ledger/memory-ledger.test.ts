import { runLedgerSuite } from '../conformance/ledger.suite';
import { createMemoryLedger } from '../../src/ledger/memory-ledger';

runLedgerSuite('memory', { create: createMemoryLedger });
