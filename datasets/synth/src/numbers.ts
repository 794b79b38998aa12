const ONES = ['ZERO', 'ONE', 'TWO', 'THREE', 'FOUR', 'FIVE', 'SIX', 'SEVEN', 'EIGHT', 'NINE', 'TEN', 'ELEVEN', 'TWELVE',
  'THIRTEEN', 'FOURTEEN', 'FIFTEEN', 'SIXTEEN', 'SEVENTEEN', 'EIGHTEEN', 'NINETEEN'];
const TENS = ['', '', 'TWENTY', 'THIRTY', 'FORTY', 'FIFTY', 'SIXTY', 'SEVENTY', 'EIGHTY', 'NINETY'];
const SCALES: Array<[number, string]> = [[1e12, 'TRILLION'], [1e9, 'BILLION'], [1e6, 'MILLION'], [1e3, 'THOUSAND']];
const ORDINAL_IRREGULAR: Record<string, string> = {
  ONE: 'FIRST', TWO: 'SECOND', THREE: 'THIRD', FIVE: 'FIFTH', EIGHT: 'EIGHTH', NINE: 'NINTH', TWELVE: 'TWELFTH',
};

function below100(n: number): string[] {
  if (n < 20) return [ONES[n]];
  const t = TENS[Math.floor(n / 10)];
  return n % 10 ? [t, ONES[n % 10]] : [t];
}

function below1000(n: number): string[] {
  const out: string[] = [];
  if (n >= 100) {
    out.push(ONES[Math.floor(n / 100)], 'HUNDRED');
    n %= 100;
    if (n === 0) return out;
  }
  return out.concat(below100(n));
}

/** Spells a non-negative integer (< 10^15) in LibriSpeech style words, e.g. 1961 → ONE THOUSAND NINE HUNDRED SIXTY ONE. */
export function cardinalWords(n: number): string[] {
  if (!Number.isInteger(n) || n < 0 || n >= 1e15) throw new RangeError(`cardinalWords: ${n} is not an integer in [0, 1e15)`);
  if (n === 0) return ['ZERO'];
  const out: string[] = [];
  for (const [value, name] of SCALES) {
    if (n >= value) {
      out.push(...below1000(Math.floor(n / value)), name);
      n %= value;
    }
  }
  if (n > 0) out.push(...below1000(n));
  return out;
}

/** Spells an ordinal, e.g. 21 → TWENTY FIRST, 100 → ONE HUNDREDTH. */
export function ordinalWords(n: number): string[] {
  const words = cardinalWords(n);
  const last = words[words.length - 1];
  const irregular = ORDINAL_IRREGULAR[last];
  if (irregular) words[words.length - 1] = irregular;
  else if (last.endsWith('Y')) words[words.length - 1] = `${last.slice(0, -1)}IETH`;
  else words[words.length - 1] = `${last}TH`;
  return words;
}

/** Spells a year the way it is read aloud: 1961 → NINETEEN SIXTY ONE, 1905 → NINETEEN O FIVE, 2004 → TWO THOUSAND FOUR. */
export function yearWords(n: number): string[] {
  if (n % 1000 < 10 && n % 1000 === n % 100) return cardinalWords(n); // 2000-2009, 1000-1009
  const hi = Math.floor(n / 100);
  const lo = n % 100;
  if (lo === 0) return [...below100(hi), 'HUNDRED'];
  if (lo < 10) return [...below100(hi), 'O', ONES[lo]];
  return [...below100(hi), ...below100(lo)];
}

/** Plural of a spelled decade: NINETEEN TWENTY → NINETEEN TWENTIES, NINETEEN HUNDRED → NINETEEN HUNDREDS. */
export function pluralWords(words: string[]): string[] {
  const out = words.slice();
  const last = out[out.length - 1];
  out[out.length - 1] = last.endsWith('Y') ? `${last.slice(0, -1)}IES` : last.endsWith('X') ? `${last}ES` : `${last}S`;
  return out;
}

/** Spells a decimal digit string digit by digit: "05" → ZERO FIVE. */
export function digitWords(digits: string): string[] {
  return [...digits].map((d) => ONES[Number(d)]);
}
