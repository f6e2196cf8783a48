import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
const nc = await connect({ servers: '127.0.0.1:4222' });
const jsm = await jetstreamManager(nc);
for await (const s of jsm.streams.list()) {
  if (!s.config.name.startsWith('IMSTATS_T_' + process.argv[2])) continue;
  console.log(s.config.name, s.config.subjects, s.state.messages, s.state.num_subjects);
  for await (const c of jsm.consumers.list(s.config.name)) console.log('  ', c.name, c.config.filter_subject, c.num_pending, c.num_ack_pending, c.num_waiting, c.delivered.stream_seq);
}
await nc.close();
