import { MAIN_JOB_CASES } from './cases/speechkd.js';
import { badInputSuite } from './suite.js';

badInputSuite('bad input: speechkd (the main job)', MAIN_JOB_CASES);
