export { simulateEvents, simulationPlan, type SimulationPlan } from './simulate-events.js';
export { DEFAULT_KNOBS, type SimulateOptions, type SimulatedDay, type SimulationKnobs } from './simulate-options.js';
export { eventToJson, ndjsonChunks, ndjsonReadable, writeNdjson, type WriteNdjsonOptions, type WriteNdjsonResult } from './write-ndjson.js';
export { NdjsonEncoder } from './ndjson-encoder.js';
export { simulatedUserId, simulatedGroupId } from './simulated-ids.js';
export { PLATFORMS, VENDORS } from './platforms.js';
