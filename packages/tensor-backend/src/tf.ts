import * as tfCore from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients; training code needs them on every backend.
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';

/** The single tfjs-core instance every speechkd package computes with. */
export const tf: typeof tfCore = tfCore;
