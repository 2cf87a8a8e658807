import { createMemoryAccessStore } from '../../src/access/store/memory-access-store';
import { runAccessStoreSuite } from '../conformance/access-store.suite';

runAccessStoreSuite('memory', { create: () => createMemoryAccessStore() });
