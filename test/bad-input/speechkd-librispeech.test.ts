import { LIBRISPEECH_CASES } from './cases/speechkd-librispeech.js';
import { badInputSuite } from './suite.js';

badInputSuite('bad input: speechkd-librispeech', LIBRISPEECH_CASES);
