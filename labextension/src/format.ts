/**
 * How numbers, verdicts and the KPI read in the sidebar, by the rules the kernel
 * uses too (nbalign/format.py): both test suites read the cases in
 * protocol/format.json and the verdict words in protocol/vocabulary.json.
 * Pure functions (no DOM), tested in node.
 */
import { IKpi, IMetric, Tone, Verdict } from './protocol';

const DASH = '\u2014';
const MINUS = '\u2212';
const PLUS_MINUS = '\u00b1';
const ARROW = '\u2192';

/**
 * The word and tone of each verdict (protocol/vocabulary.json). The kernel
 * decides a row's verdict and tone; the sidebar only shows them.
 */
export const VERDICT_WORDS: Readonly<Record<Verdict, { word: string; tone: Tone }>> =
  Object.freeze({
    new_best: { word: 'new best', tone: 'good' },
    first: { word: 'first model', tone: 'neutral' },
    no_gain: { word: 'no real gain', tone: 'neutral' },
    worse: { word: 'worse than the best', tone: 'bad' },
    below_baseline: { word: 'below baseline', tone: 'bad' },
    baseline: { word: 'baseline', tone: 'neutral' },
    other_metric: { word: 'another metric', tone: 'neutral' }
  });

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

function isFiniteNumber(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A non-negative value with decimals by its size; grouped thousands from 1000 on. */
function magnitudeText(magnitude: number): string {
  if (magnitude >= 1000) {
    return groupThousands(String(Math.round(magnitude)));
  }
  const decimals = magnitude >= 100 ? 1 : magnitude >= 1 ? 2 : 3;
  return magnitude.toFixed(decimals);
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
