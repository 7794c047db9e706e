/**
 * How numbers and phrases read in the sidebar: one formatting for every score,
 * so the evaluation list, the progress numbers and the best model agree.
 * Pure functions (no DOM), tested in node.
 */
import { IKpi, IMetric } from './protocol';

const DASH = '\u2014';
const MINUS = '\u2212';

/**
 * A score or metric value, as the kernel's `format_score` writes it: decimals by
 * magnitude (0.624, 56.50, 107.9), a rounded grouped number from 1000 on.
 */
export function formatScore(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return DASH;
  }
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) {
    return Math.round(value).toLocaleString('en-US').replace('-', MINUS);
  }
  const decimals = magnitude >= 100 ? 1 : magnitude >= 1 ? 2 : 3;
  return value.toFixed(decimals).replace('-', MINUS);
}

/** A signed change ("+0.090", "−0.005", "±0.000"); a dash when there is none. */
export function formatChange(change: number | null | undefined): string {
  if (change === null || change === undefined || !Number.isFinite(change)) {
    return DASH;
  }
  const magnitude = formatScore(Math.abs(change));
  if (magnitude === formatScore(0)) {
    return `\u00b1${magnitude}`;
  }
  return `${change > 0 ? '+' : MINUS}${magnitude}`;
}

/** The true progress as a percent ("103%", "−12%"), never clamped. */
export function formatPercent(progress: number | null | undefined): string {
  if (progress === null || progress === undefined || !Number.isFinite(progress)) {
    return DASH;
  }
  return `${Math.round(progress * 100)}%`.replace('-', MINUS);
}

/** The width of the progress bar in percent, clamped to 0..100. */
export function barPercent(progress: number | null | undefined): number {
  if (progress === null || progress === undefined || !Number.isFinite(progress)) {
    return 0;
  }
  return Math.min(100, Math.max(0, progress * 100));
}

export type Tone = 'good' | 'bad' | 'neutral';

/**
 * Whether a change of score is an improvement, for this metric's direction.
 *
 * `change` is `score - best_before`. A change smaller than `minGain` is
 * neutral: nbalign does not count it as a real gain (or loss).
 */
export function changeTone(
  change: number | null | undefined,
  greaterIsBetter: boolean,
  minGain: number | null | undefined
): Tone {
  if (change === null || change === undefined || !Number.isFinite(change)) {
    return 'neutral';
  }
  const threshold = minGain ?? 0;
  if (Math.abs(change) < threshold || change === 0) {
    return 'neutral';
  }
  const better = greaterIsBetter ? change > 0 : change < 0;
  return better ? 'good' : 'bad';
}

export function directionText(metric: IMetric): string {
  return metric.greater_is_better ? 'higher is better' : 'lower is better';
}

/**
 * The KPI in one line: "9% → 5% by 2027-06-30", or "judged by Ana" for a
 * subjective criterion. Empty when the KPI has neither numbers nor a judge.
 */
export function kpiLine(kpi: IKpi): string {
  const current = text(kpi.current);
  const target = text(kpi.target);
  const deadline = text(kpi.deadline);
  if (current || target) {
    const move = [current, target].filter(Boolean).join(' \u2192 ');
    return deadline ? `${move} by ${deadline}` : move;
  }
  const judge = text(kpi.judge);
  if (judge) {
    return deadline ? `judged by ${judge} by ${deadline}` : `judged by ${judge}`;
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

/** KPI fields may arrive as numbers from YAML; show them as text either way. */
function text(value: unknown): string {
  return value === null || value === undefined ? '' : String(value).trim();
}
