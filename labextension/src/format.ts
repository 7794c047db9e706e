/**
 * How numbers, verdicts and the KPI read in the sidebar, by the rules the kernel
 * uses too (nbalign/format.py): both test suites read the cases in
 * protocol/format.json and the verdict words in protocol/vocabulary.json.
 * Pure functions (no DOM), tested in node.
 */
import {
  IAgreement,
  IBaselineClaim,
  IDifference,
  IKpi,
  IMetric,
  IRealized,
  IRow,
  IShipped,
  Tone,
  Verdict
} from './protocol';

const DASH = '\u2014';
const MINUS = '\u2212';
const PLUS_MINUS = '\u00b1';
const ARROW = '\u2192';

/**
 * The word and tone of each verdict, and whether its rows are shown apart from
 * the comparison (protocol/vocabulary.json). The kernel decides a row's verdict,
 * word, tone and whether it is apart; the sidebar only shows them, and reads
 * this table only for standings saved before the kernel sent the word and
 * `apart` (`verdictWord`, `isApart`).
 */
export const VERDICT_WORDS: Readonly<Record<Verdict, { word: string; tone: Tone; apart?: true }>> =
  Object.freeze({
    new_best: { word: 'better', tone: 'good' },
    first: { word: 'first model', tone: 'neutral' },
    small_gain: { word: 'better, not shown by min_gain', tone: 'neutral' },
    fit_only: { word: 'better fit, recipe not shown better', tone: 'neutral' },
    no_gain: { word: 'not distinguishable', tone: 'neutral' },
    worse: { word: 'worse', tone: 'bad' },
    below_baseline: { word: 'worse than baseline', tone: 'bad' },
    baseline: { word: 'baseline', tone: 'neutral' },
    other_metric: { word: 'another metric', tone: 'neutral' },
    training_data: { word: 'on training data', tone: 'bad', apart: true },
    other_test_set: { word: 'another test set', tone: 'neutral', apart: true },
    cross_validation: { word: 'cross-validated', tone: 'neutral', apart: true },
    few_rows: { word: 'on a slice of the test set', tone: 'neutral', apart: true }
  });

/** A row's verdict in words: the kernel's, or the vocabulary's for a standing saved before it sent them. */
export function verdictWord(row: Pick<IRow, 'verdict' | 'word'>): string {
  return row.word ?? VERDICT_WORDS[row.verdict].word;
}

/**
 * Whether a row is set apart from the comparison (drawn hollow, never the best
 * nor on the best-so-far step): the kernel's say, or the vocabulary's for a
 * standing saved before it sent one.
 */
export function isApart(row: Pick<IRow, 'verdict' | 'apart'>): boolean {
  return row.apart ?? VERDICT_WORDS[row.verdict].apart === true;
}

/**
 * A score or metric value: decimals by magnitude (0.624, 56.50, 107.9), a
 * rounded number grouped with commas from 1000 on (25,310); a dash for none.
 *
 * Rounding is half away from zero on the exact value: the magnitude is
 * formatted (`toFixed` picks the larger neighbour on a tie) and the sign
 * added after, so a value that rounds to zero shows no minus.
 *
 * @example
 * formatScore(-0.0625); // '−0.063'
 */
export function formatScore(value: number | null | undefined): string {
  if (!isFiniteNumber(value)) {
    return DASH;
  }
  return signed(value, magnitudeText(Math.abs(value)));
}

/**
 * Scores that are read together (an axis's ticks): each by `formatScore`'s
 * rules, all with the decimals the most precise of them takes, so that 0.950
 * and 1.000 line up rather than read 0.950 and 1.00.
 *
 * @example
 * formatScoreAxis([0.95, 1, 1.05]); // ['0.950', '1.000', '1.050']
 */
export function formatScoreAxis(values: readonly number[]): string[] {
  const decimals = Math.max(0, ...values.filter(isFiniteNumber).map(v => decimalsOf(Math.abs(v))));
  return values.map(value => {
    if (!isFiniteNumber(value)) {
      return DASH;
    }
    const [whole, fraction] = Math.abs(value).toFixed(decimals).split('.');
    return signed(value, fraction === undefined ? groupThousands(whole) : `${groupThousands(whole)}.${fraction}`);
  });
}

/**
 * A signed change ("+0.090", "−0.005"); "±0.000" when it rounds to nothing; a
 * dash when there is none.
 */
export function formatChange(change: number | null | undefined): string {
  if (!isFiniteNumber(change)) {
    return DASH;
  }
  const magnitude = magnitudeText(Math.abs(change));
  if (isZeroText(magnitude)) {
    return `${PLUS_MINUS}${magnitude}`;
  }
  return `${change > 0 ? '+' : MINUS}${magnitude}`;
}

/** The true progress as a whole percent ("103%", "−12%"), never clamped. */
export function formatPercent(progress: number | null | undefined): string {
  if (!isFiniteNumber(progress)) {
    return DASH;
  }
  // Math.round on a magnitude rounds halves up, that is away from zero.
  let percent = Math.round(Math.abs(progress) * 100);
  // Never disagree with the banner: short of the target is not "100%", below the baseline not "0%".
  if (progress < 1 && progress >= 0 && percent >= 100) {
    percent = 99;
  } else if (progress < 0 && percent === 0) {
    percent = 1;
  }
  return `${signed(progress, String(percent))}%`;
}

/**
 * A confidence level as people say it: "95%", "97.5%" (no trailing zeros, no
 * float noise: the shortest decimal of the number, shifted two places, as
 * Python's `Decimal(str(confidence)) * 100` does). A dash for none.
 */
export function formatLevel(confidence: number | null | undefined): string {
  if (!isFiniteNumber(confidence)) {
    return DASH;
  }
  return `${shiftDecimal(String(confidence), 2)}%`;
}

/** What an interval at a confidence level is called: "95% CI". */
export function intervalLabel(confidence: number | null | undefined): string {
  return `${formatLevel(confidence)} CI`;
}

/**
 * A confidence interval of a change: "95% CI −0.004 to +0.030". The ends read
 * as changes (signed), so an interval that holds zero shows it at a glance; or
 * as `formatEnd` reads them. A dash when either end is missing.
 */
export function formatInterval(
  low: number | null | undefined,
  high: number | null | undefined,
  confidence: number | null | undefined,
  formatEnd: (value: number) => string = formatIntervalEnd
): string {
  return labelledInterval(intervalLabel(confidence), low, high, formatEnd);
}

/** "<label> <low> to <high>", each end as `formatEnd` reads it; a dash when either end is missing. */
function labelledInterval(
  label: string,
  low: number | null | undefined,
  high: number | null | undefined,
  formatEnd: (value: number) => string
): string {
  const ends = formatEnds(low, high, formatEnd);
  return ends === DASH ? DASH : `${label} ${ends}`;
}

/** An interval's ends alone, "<low> to <high>"; a dash when either is missing. */
function formatEnds(
  low: number | null | undefined,
  high: number | null | undefined,
  formatEnd: (value: number) => string
): string {
  if (!isFiniteNumber(low) || !isFiniteNumber(high)) {
    return DASH;
  }
  return `${formatEnd(low)} to ${formatEnd(high)}`;
}

/**
 * An interval's end as a change, with the digits that keep its side of zero:
 * "−0.0004", never "±0.000" for an end that is not 0.
 */
function formatIntervalEnd(value: number): string {
  const text = formatChange(value);
  if (value === 0 || !text.startsWith(PLUS_MINUS)) {
    return text;
  }
  // Beyond 8 decimals, scientific notation (as format.py): 1e-300 is no row of zeros.
  const decimals = Math.max(0, -Math.floor(Math.log10(Math.abs(value))));
  const magnitude = decimals <= 8 ? Math.abs(value).toFixed(decimals) : Math.abs(value).toExponential(0);
  return `${value > 0 ? '+' : MINUS}${magnitude}`;
}

/**
 * An interval of progress with the percent formatter, under the label that says
 * how to read it: "95% CI 40% to 120%", or with the kernel's label for the
 * best's progress "95% CI, widened for the 3 models compared 40% to 120%" (the
 * kernel's panel reads it the same way).
 */
export function formatPercentInterval(
  interval: readonly [number, number] | null | undefined,
  label: string
): string {
  return labelledInterval(label, interval?.[0], interval?.[1], formatPercent);
}

/** The ends of an interval of progress, without its label: "40% to 120%"; a dash without one. */
export function formatPercentEnds(interval: readonly [number, number] | null | undefined): string {
  return formatEnds(interval?.[0], interval?.[1], formatPercent);
}

/**
 * An interval of scores, each end read as a score: "95% CI 0.476 to 0.563" (a
 * row's own interval, drawn in the chart). A dash without one.
 */
export function formatScoreInterval(
  interval: readonly [number, number] | null | undefined,
  confidence: number | null | undefined
): string {
  return formatInterval(interval?.[0], interval?.[1], confidence, formatScore);
}

/**
 * An interval of values the kernel formatted (a projected KPI, in its own
 * units): "95% CI 23.4% to 24.9%". A dash without one.
 */
export function formatTextInterval(
  interval: readonly [string, string] | null | undefined,
  confidence: number | null | undefined
): string {
  if (!interval) {
    return DASH;
  }
  return `${intervalLabel(confidence)} ${interval[0]} to ${interval[1]}`;
}

/**
 * A change with its interval when the kernel tested it:
 * "+0.013 (95% CI +0.004 to +0.030)"; the bare change without a test.
 */
export function formatDifference(
  change: number | null | undefined,
  difference: IDifference | null | undefined,
  confidence: number | null | undefined
): string {
  if (!difference) {
    return formatChange(change);
  }
  const interval = formatInterval(difference.low, difference.high, confidence);
  return `${formatChange(difference.estimate)} (${interval})`;
}

/** A p-value: "0.004", "0.540"; "< 0.001" below what three decimals show. */
export function formatPValue(p: number | null | undefined): string {
  if (!isFiniteNumber(p)) {
    return DASH;
  }
  return p < 0.001 ? '< 0.001' : `= ${p.toFixed(3)}`;
}

/** How a difference was tested, for people: "p = 0.004, DeLong, 1,409 rows". */
export function testText(difference: IDifference): string {
  const rows = `${groupThousands(String(difference.n))} ${difference.n === 1 ? 'row' : 'rows'}`;
  return `p ${formatPValue(difference.p_value)}, ${difference.method}, ${rows}`;
}

/**
 * What the best model's comparison with the baseline lets one claim, in words
 * and tone: "better than the baseline after Holm's correction over 6 models",
 * "not distinguishable from the baseline ...", "worse than the baseline ...".
 *
 * The words and tone of the kernel's verdict on the claim: the sidebar does not
 * judge it again.
 */
export function baselineClaim(claim: IBaselineClaim): { text: string; tone: Tone } {
  const [words, tone]: [string, Tone] =
    claim.verdict === 'better'
      ? ['better than', 'good']
      : claim.verdict === 'worse'
        ? ['worse than', 'bad']
        : ['not distinguishable from', 'neutral'];
  const correction = isCorrected(claim)
    ? `after ${claim.correction}'s correction over ${claim.models_compared} models`
    : '(no correction: a single comparison)';
  // beside "not distinguishable", what the test could have seen: absence of evidence, said so
  const detectable =
    claim.verdict === 'not_distinguishable' && typeof claim.detectable === 'number'
      ? `; these rows detect a gain of ${formatChange(claim.detectable)} or more 80% of the time`
      : '';
  return { text: `${words} the baseline ${correction}${detectable}`, tone };
}

/** A claim chosen among several models, its p-value and interval corrected ("Holm", "Bonferroni"). */
function isCorrected(claim: IBaselineClaim): boolean {
  const name = claim.correction.trim().toLowerCase();
  return claim.models_compared > 1 && name !== '' && name !== 'none';
}

/**
 * The best-vs-baseline difference with its (widened) interval:
 * "+0.340 (Bonferroni-adjusted 95% CI +0.291 to +0.386)".
 */
export function formatClaimDifference(claim: IBaselineClaim, confidence: number): string {
  const adjusted = isCorrected(claim) ? 'Bonferroni-adjusted ' : '';
  const interval = formatInterval(claim.low, claim.high, confidence);
  return `${formatChange(claim.estimate)} (${adjusted}${interval})`;
}

/** "6 models compared on this test set". */
export function modelsComparedText(count: number): string {
  return `${count} ${count === 1 ? 'model' : 'models'} compared on this test set`;
}

/** The width of the progress bar in percent, clamped to 0..100. */
export function barPercent(progress: number | null | undefined): number {
  if (!isFiniteNumber(progress)) {
    return 0;
  }
  return Math.min(100, Math.max(0, progress * 100));
}

export function directionText(metric: IMetric): string {
  return metric.greater_is_better ? 'higher is better' : 'lower is better';
}

/**
 * The KPI's movement in one line: "9% → 5% by 2027-06-30", "→ 5%" without a
 * current value, or "judged by Ana" for a subjective criterion. Empty when
 * there is nothing to say. The KPI's name and owner are shown apart.
 */
export function kpiLine(kpi: IKpi): string {
  const current = text(kpi.current);
  const target = text(kpi.target);
  const deadline = text(kpi.deadline);
  const by = deadline ? ` by ${deadline}` : '';
  if (current || target) {
    const move = current
      ? [current, target].filter(Boolean).join(` ${ARROW} `)
      : `${ARROW} ${target}`;
    return `${move}${by}`;
  }
  const judge = text(kpi.judge);
  if (judge) {
    return `judged by ${judge}${by}`;
  }
  return deadline ? `by ${deadline}` : '';
}

/** A saved time for people: "28 Nov 2026, 10:03"; the raw text if it is not a date. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) {
    return 'earlier';
  }
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return iso;
  }
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * A day for people: "Mar 31, 2027" (the reader's locale, medium style); a dash for none, the raw
 * text if it is not a date. A day alone ("2027-03-31", a realized KPI's) is that day wherever the
 * reader is, not midnight UTC moved to the day before.
 */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) {
    return DASH;
  }
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  const date = day ? new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])) : new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return iso;
  }
  return date.toLocaleDateString(undefined, { dateStyle: 'medium' });
}

/** What follows a shipped model's name: "v2 · Dec 7, 2026 by ana" (the objective's version it was shipped under). */
export function shippedDetails(shipped: Pick<IShipped, 'version' | 'at' | 'by'>): string {
  return `v${shipped.version} \u00b7 ${formatDate(shipped.at)} by ${shipped.by}`;
}

/** The model shipped in one line: "Shipped gbm · v2 · Dec 7, 2026 by ana". */
export function shippedLine(shipped: Pick<IShipped, 'name' | 'version' | 'at' | 'by'>): string {
  return `Shipped ${shipped.name} \u00b7 ${shippedDetails(shipped)}`;
}

/**
 * When the model shipped is not the one the judge recommended: "not the recommended model: <the
 * reason given>" (without one, the first words alone). Null for the recommended model.
 */
export function notRecommendedText(shipped: Pick<IShipped, 'recommended' | 'reason'>): string | null {
  if (shipped.recommended) {
    return null;
  }
  const reason = text(shipped.reason);
  return reason ? `not the recommended model: ${reason}` : 'not the recommended model';
}

/** When the model was shipped under another version of the objective than the active one; else null. */
export function shippedVersionNote(shipped: Pick<IShipped, 'current'>): string | null {
  return shipped.current ? null : 'shipped under an earlier version of the objective';
}

/** A KPI measured after shipping: "Realized 7.1% on Apr 30, 2027". */
export function realizedLine(realized: Pick<IRealized, 'value' | 'on'>): string {
  return `Realized ${realized.value} on ${formatDate(realized.on)}`;
}

/**
 * The roles whose agreement no longer holds (the kernel sends each role's latest agreement, and
 * whether it is to the objective's content): "The objective changed after it was agreed (VP
 * Growth, v2; CFO, v1)". Null when every agreement holds, or nobody agreed.
 */
export function agreementChangedText(agreements: readonly IAgreement[]): string | null {
  const stale = agreements.filter(agreement => !agreement.holds);
  if (stale.length === 0) {
    return null;
  }
  const roles = stale.map(agreement => `${agreement.role}, v${agreement.version}`).join('; ');
  return `The objective changed after it was agreed (${roles})`;
}

function isFiniteNumber(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A non-negative value with decimals by its size; grouped thousands from 1000 on. */
function magnitudeText(magnitude: number): string {
  if (magnitude >= 1000) {
    return groupThousands(String(Math.round(magnitude)));
  }
  return magnitude.toFixed(decimalsOf(magnitude));
}

/** The decimals a score of this magnitude shows: 3 below 1, 2 below 100, 1 below 1000, else none. */
function decimalsOf(magnitude: number): number {
  return magnitude >= 1000 ? 0 : magnitude >= 100 ? 1 : magnitude >= 1 ? 2 : 3;
}

/**
 * A decimal numeral times 10^places, by moving its point on the digits (no
 * float arithmetic): "0.975" by 2 is "97.5", "1e-7" by 2 is "0.00001".
 */
function shiftDecimal(numeral: string, places: number): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(numeral);
  if (!match) {
    return numeral;
  }
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  const digits = whole + fraction;
  // Where the point stands, counted from the left of `digits`.
  const point = whole.length + Number(exponent) + places;
  const padded =
    point <= 0
      ? '0'.repeat(1 - point) + digits
      : point > digits.length
        ? digits + '0'.repeat(point - digits.length)
        : digits;
  const at = Math.max(point, 1);
  const integer = padded.slice(0, at).replace(/^0+(?=\d)/, '');
  const decimals = padded.slice(at).replace(/0+$/, '');
  return `${sign}${integer}${decimals ? `.${decimals}` : ''}`;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function isZeroText(magnitude: string): boolean {
  return !/[1-9]/.test(magnitude);
}

/** A minus for negatives, unless the magnitude reads as zero. */
function signed(value: number, magnitude: string): string {
  return value < 0 && !isZeroText(magnitude) ? `${MINUS}${magnitude}` : magnitude;
}

/** KPI fields may arrive as numbers from older kernels; show them as text either way. */
function text(value: unknown): string {
  return value === null || value === undefined ? '' : String(value).trim();
}
