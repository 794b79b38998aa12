/** exp(-x) is below double epsilon for x above this: a log-sum-exp term this far below the maximum changes nothing. */
const NEGLIGIBLE = 38;

/** log(exp(a) + exp(b)) with the max trick (a or b may be -Infinity, not both). */
export function logAdd2(a: number, b: number): number {
  if (a >= b) return a - b > NEGLIGIBLE ? a : a + Math.log(1 + Math.exp(b - a));
  return b - a > NEGLIGIBLE ? b : b + Math.log(1 + Math.exp(a - b));
}

/** log(exp(a) + exp(b) + exp(c)) with the max trick (at most two of them -Infinity). */
export function logAdd3(a: number, b: number, c: number): number {
  if (a >= b && a >= c) return a + Math.log(1 + (a - b > NEGLIGIBLE ? 0 : Math.exp(b - a)) + (a - c > NEGLIGIBLE ? 0 : Math.exp(c - a)));
  if (b >= c) return b + Math.log(1 + (b - a > NEGLIGIBLE ? 0 : Math.exp(a - b)) + (b - c > NEGLIGIBLE ? 0 : Math.exp(c - b)));
  return c + Math.log(1 + (c - a > NEGLIGIBLE ? 0 : Math.exp(a - c)) + (c - b > NEGLIGIBLE ? 0 : Math.exp(b - c)));
}
