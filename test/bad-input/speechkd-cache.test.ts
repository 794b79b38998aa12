import { CACHE_CASES } from './cases/speechkd-cache.js';
import { badInputSuite } from './suite.js';

badInputSuite('bad input: speechkd-cache', CACHE_CASES);
