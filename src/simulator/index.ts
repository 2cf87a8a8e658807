/**
 * Junction's simulated upstream providers: OpenAI-, Anthropic- and Gemini-compatible servers with
 * configurable latency and faults, for the demo, end-to-end and chaos tests, and benchmarks.
 */
export { startSimulator } from './server';
export type { Simulator, SimulatorOptions } from './server';
export type { ModelStats, ReceivedRequest, SimulatorStats } from './stats';
export type { LatencySpec, ModelBehaviour } from '../config/simulator-behaviour';
export { DEFAULT_MODEL } from './behaviour-store';
export { modelBehaviourSchema } from '../config/simulator-behaviour-schema';
export { seededRandom } from '../resilience/random';
export type { WireFormat } from '../canonical/types';
