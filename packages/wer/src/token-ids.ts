/** Maps tokens (words) to dense integer ids so alignment compares integers, not strings. */
export class TokenIds {
  private readonly ids = new Map<string, number>();

  /** Number of distinct tokens seen so far. */
  get size(): number {
    return this.ids.size;
  }

  /** The id of `token`, assigning the next free id on first sight. */
  id(token: string): number {
    let v = this.ids.get(token);
    if (v === undefined) {
      v = this.ids.size;
      this.ids.set(token, v);
    }
    return v;
  }

  /** Writes the ids of `tokens` into `out` (grown when too small) and returns the array used. */
  encode(tokens: readonly string[], out: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
    const buf = out.length >= tokens.length ? out : new Int32Array(Math.max(tokens.length, out.length * 2));
    for (let i = 0; i < tokens.length; i++) buf[i] = this.id(tokens[i]);
    return buf;
  }
}

/**
 * Writes the Unicode code points of `text` into `out` (grown when too small); returns the array and
 * the number of code points. Code points, not UTF-16 units, so a character outside the BMP counts once.
 */
export function encodeCodePoints(text: string, out: Int32Array<ArrayBuffer>): { codes: Int32Array<ArrayBuffer>; length: number } {
  const buf = out.length >= text.length ? out : new Int32Array(Math.max(text.length, out.length * 2));
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        buf[n++] = ((c - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
        i++;
        continue;
      }
    }
    buf[n++] = c;
  }
  return { codes: buf, length: n };
}
