import { CONVENTION_CASES } from './cases/error-convention.js';
import { badInputSuite } from './suite.js';

badInputSuite('bad input: the error convention of speechkd-train, speechkd-cache and speechkd', CONVENTION_CASES);
