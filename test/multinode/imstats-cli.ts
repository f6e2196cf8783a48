// Tests only: the `imstats` executable (what bin/imstats.js runs), from this build's output, so a
// test can spawn the real `imstats serve` next to the code it tests.
import { main } from '../../src/cli/main.js';

await main(process.argv);
