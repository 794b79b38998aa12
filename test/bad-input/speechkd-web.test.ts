import { WEB_CASES } from './cases/speechkd-web.js';
import { badInputSuite } from './suite.js';

badInputSuite('bad input: speechkd-web', WEB_CASES);
