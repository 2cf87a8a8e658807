/**
 * Property tests draw from one fixed seed, so a run of the suite is repeatable: a failure found
 * once is found every time. `FC_SEED=<n> npm test` explores other inputs.
 */
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20_261_206) });
