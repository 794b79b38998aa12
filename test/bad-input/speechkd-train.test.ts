import { TRAIN_CASES } from './cases/speechkd-train.js';
import { badInputSuite } from './suite.js';

badInputSuite('bad input: speechkd-train', TRAIN_CASES);
