import { WER_EVAL_CASES } from './cases/wer-eval.js';
import { badInputSuite } from './suite.js';

badInputSuite('bad input: wer-eval', WER_EVAL_CASES);
