// Events over NATS JetStream: the stream layout, the exactly-once consumer, the publisher, and
// the live statistics a metrics exporter reads (EventConsumer#stats, a ConsumeStats).
export { ConsumeStats, type PartitionStats } from './consume-stats.js';
export { EventConsumer, type BatchProgress, type EventConsumerOptions, type MessageRejection } from './event-consumer.js';
export { publishEvents, PublishError, type PublishOptions, type PublishSummary } from './event-publisher.js';
export { ensureEventStream, eventSubject, deadLetterSubject, partitionOf, type EventStream } from './event-stream.js';
export { connectNats, DEFAULT_NATS_URL } from './nats-connection.js';
