/** Window functions of Kaldi / torchaudio.compliance.kaldi. */
export type WindowType = 'povey' | 'hamming' | 'hanning' | 'rectangular' | 'blackman';

/** All accepted `windowType` values. */
export const WINDOW_TYPES: readonly WindowType[] = ['povey', 'hamming', 'hanning', 'rectangular', 'blackman'];

/** The symmetric window of `size` samples (torch's `periodic=False`; povey = hann^0.85). */
export function featureWindow(type: WindowType, size: number, blackmanCoeff = 0.42): Float64Array {
  const w = new Float64Array(size);
  const a = (2 * Math.PI) / (size - 1);
  for (let i = 0; i < size; i++) {
    const hann = 0.5 - 0.5 * Math.cos(a * i);
    switch (type) {
      case 'hanning':
        w[i] = hann;
        break;
      case 'povey':
        w[i] = Math.pow(hann, 0.85);
        break;
      case 'hamming':
        w[i] = 0.54 - 0.46 * Math.cos(a * i);
        break;
      case 'rectangular':
        w[i] = 1;
        break;
      case 'blackman':
        w[i] = blackmanCoeff - 0.5 * Math.cos(a * i) + (0.5 - blackmanCoeff) * Math.cos(2 * a * i);
        break;
    }
  }
  return w;
}
