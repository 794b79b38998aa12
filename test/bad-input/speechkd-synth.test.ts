import { SYNTH_CASES } from './cases/speechkd-synth.js';
import { badInputSuite } from './suite.js';

badInputSuite('bad input: speechkd-synth', SYNTH_CASES);
