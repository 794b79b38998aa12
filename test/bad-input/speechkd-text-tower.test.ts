import { TEXT_TOWER_CASES } from './cases/speechkd-text-tower.js';
import { badInputSuite } from './suite.js';

badInputSuite('bad input: speechkd-text-tower', TEXT_TOWER_CASES);
