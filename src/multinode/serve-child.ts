// Tests only: an API process (buildApp + listen on 127.0.0.1, a free port) over a database URL.
// Prints `listening <url>`; exits cleanly on SIGTERM. argv: database URL.
import { buildApp } from '../server/build-app.js';
import { listen } from '../server/listen.js';
import { openStore } from '../store/store.js';

const [dbUrl] = process.argv.slice(2);
const store = await openStore(dbUrl!, { migrate: false });
// The tests poll as fast as they can; the frequency limit is not what they are about.
const app = buildApp({ store, rateLimit: 1_000_000 });
const url = await listen(app, { host: '127.0.0.1', port: 0 });
process.stdout.write(`listening ${url}\n`);
process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => store.close())
    .then(() => process.exit(0));
});
