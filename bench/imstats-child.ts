// The `imstats` executable from this build's output, for benchmarks that run real commands (`imstats consume`).
import { main } from '../src/cli/main.js';

await main(process.argv);
