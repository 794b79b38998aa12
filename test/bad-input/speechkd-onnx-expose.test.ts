import { ONNX_EXPOSE_CASES } from './cases/speechkd-onnx-expose.js';
import { badInputSuite } from './suite.js';

badInputSuite('bad input: speechkd-onnx-expose', ONNX_EXPOSE_CASES);
