import { runLedgerSuite } from '../conformance/ledger.suite';
import { runSpendReportSuite } from '../conformance/spend-report.suite';
import { createMemoryLedger } from '../../src/ledger/memory-ledger';

runLedgerSuite('memory', { create: () => createMemoryLedger() });
runSpendReportSuite('memory', { create: ({ timeZone }) => createMemoryLedger({ timeZone }) });
