/**
 * The evaluations as a chart, under the summary: each shipped row in order on
 * the x axis, its score as a dot toned as the kernel judged it, its interval as
 * a bar, the baseline and the target as labelled lines, the best so far as a
 * step, and the best and the model to ship named beside their points.
 *
 * Native SVG, drawn in pixels: the viewBox follows the width the sidebar gives
 * it (measured), so text and strokes stay their size and sharp at any width.
 * Every colour is a JupyterLab theme variable, set in style/base.css. It judges
 * nothing: tones, the rows set apart, the best so far, the best, the model to
 * ship and the intervals are the kernel's. Names are React text and
 * attributes, never markup.
 */
import * as React from 'react';

import { formatLevel, formatScore, formatScoreAxis, formatScoreInterval, isApart, verdictWord } from './format';
import { DEFAULT_CONFIDENCE, IRow, IStanding } from './protocol';

/** How a point is drawn: a judged model (filled), the baseline (hollow grey), a row set apart (hollow). */
export type PointKind = 'model' | 'baseline' | 'apart';

export function pointKind(row: IRow): PointKind {
  if (row.role === 'baseline') {
    return 'baseline';
  }
  return isApart(row) ? 'apart' : 'model';
}

/** The rows the chart draws, in order: every shipped row but those of another metric. */
export function chartRows(rows: readonly IRow[]): IRow[] {
  return rows.filter(row => row.verdict !== 'other_metric');
}

/**
 * Round ticks inside [low, high], as close to `count` of them as a step of 1,
 * 2, 2.5 or 5 times a power of ten allows (the coarser step on a tie).
 *
 * @example
 * scoreTicks(0.24, 0.68); // [0.3, 0.4, 0.5, 0.6]
 */
export function scoreTicks(low: number, high: number, count = 4): number[] {
  if (!(high > low) || !Number.isFinite(low) || !Number.isFinite(high)) {
    return Number.isFinite(low) ? [low] : [];
  }
  const power = 10 ** Math.floor(Math.log10((high - low) / Math.max(1, count)));
  const steps = [0.5, 1, 2, 2.5, 5, 10, 20].map(m => m * power);
  const ticksOf = (step: number): number[] => {
    const ticks: number[] = [];
    for (let k = Math.ceil(low / step - 1e-9); k * step <= high + step * 1e-9; k++) {
      // k * step, without float noise (0.30000000000000004)
      ticks.push(Number((k * step).toPrecision(12)));
    }
    return ticks;
  };
  let best: number[] = [];
  for (const step of steps) {
    const ticks = ticksOf(step);
    if (ticks.length > 0 && (best.length === 0 || Math.abs(ticks.length - count) <= Math.abs(best.length - count))) {
      best = ticks;
    }
  }
  return best;
}

/**
 * The best so far after each model's row, as the kernel states it: the row's
 * `best_so_far` (the best candidate's score once the row is judged, the
 * baseline model counting), so the step is the one every view draws. Rows set
 * apart and the baseline's own row are left out, as are rows without one.
 *
 * A standing saved before `best_so_far` (issue 19) steps through the rows the
 * kernel said became the best: the row's score there, else the best before it.
 * Empty when the standing says neither (saved before issue 11).
 */
export function bestSoFar(rows: readonly IRow[]): { index: number; value: number }[] {
  const stated = rows.some(row => row.best_so_far !== undefined);
  if (!stated && !rows.some(row => typeof row.became_best === 'boolean')) {
    return [];
  }
  const steps: { index: number; value: number }[] = [];
  rows.forEach((row, index) => {
    if (pointKind(row) !== 'model') {
      return;
    }
    const value = stated ? row.best_so_far : row.became_best ? row.score : row.best_before;
    if (typeof value === 'number' && Number.isFinite(value)) {
      steps.push({ index, value });
    }
  });
  return steps;
}

/**
 * The name a point carries in the chart when it is the best or the model to
 * ship: "best: forest", "ship: linear baseline", "best, ship: gbm"; null for
 * any other point (its name is in its tooltip).
 */
export function pointName(row: IRow, bestId: number | null, shipId: number | null): string | null {
  const roles = [row.id === bestId ? 'best' : '', row.id === shipId ? 'ship' : ''].filter(Boolean);
  return roles.length === 0 ? null : `${roles.join(', ')}: ${row.name}`;
}

/** The chart's height and margins, in pixels. */
const HEIGHT = 150;
const TOP = 10;
const BOTTOM = 10;
const RIGHT = 10;
/** Room inside the plot at both ends, so the first and last dots are whole. */
const INSET = 10;
/** The width drawn before the sidebar is measured (and in node tests). */
const DEFAULT_WIDTH = 300;
const MIN_WIDTH = 180;
/** About the width of a digit of the axis labels (--jp-ui-font-size0), to size the left margin. */
const CHAR_WIDTH = 6.2;
/** About the width of a character of a label (letters are narrower than digits). */
const LABEL_CHAR_WIDTH = CHAR_WIDTH * 0.9;
/** A label's height, to keep the labels apart and inside. */
const LABEL_HEIGHT = 11;

export interface IChartProps {
  standing: IStanding;
  /**
   * Scroll the notebook to the cell of this id; false when the notebook has no
   * such cell any more. Without it, points do not take clicks.
   */
  onGoToCell?: (cellId: string) => boolean;
}

/** The chart; nothing when no row is drawn. */
export function Chart(props: IChartProps): JSX.Element | null {
  const rows = chartRows(props.standing.rows);
  return rows.length === 0 ? null : <ChartSection {...props} rows={rows} />;
}

/** The chart of some rows, at the width its frame is given (measured once mounted, and on resize). */
function ChartSection(props: IChartProps & { rows: IRow[] }): JSX.Element {
  const { standing, rows, onGoToCell } = props;
  const ref = React.useRef<HTMLDivElement>(null);
  const [width, setWidth] = React.useState(DEFAULT_WIDTH);
  const [note, setNote] = React.useState<string | null>(null);
  React.useEffect(() => {
    const node = ref.current;
    if (!node || typeof ResizeObserver === 'undefined') {
      return;
    }
    const observer = new ResizeObserver(entries => {
      const measured = Math.round(entries[0]?.contentRect.width ?? 0);
      if (measured > 0) {
        setWidth(measured); // hidden (0): keep the last width
      }
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, []);
  const goTo =
    onGoToCell &&
    ((row: IRow): void => {
      if (row.cell_id) {
        setNote(onGoToCell(row.cell_id) ? null : `The cell of ${row.name} is no longer in the notebook.`);
      }
    });
  return (
    <section className="jp-nbalign-section jp-nbalign-chart" data-testid="nbalign-chart-section">
      <div className="jp-nbalign-chart-frame" ref={ref}>
        <ChartSvg standing={standing} rows={rows} width={Math.max(MIN_WIDTH, width)} goTo={goTo} />
      </div>
      <Legend standing={standing} rows={rows} />
      {note && (
        <div className="jp-nbalign-muted jp-nbalign-chart-note" role="status">
          {note}
        </div>
      )}
    </section>
  );
}

function ChartSvg(props: {
  standing: IStanding;
  rows: IRow[];
  width: number;
  goTo: ((row: IRow) => void) | undefined;
}): JSX.Element {
  const { standing, rows, width, goTo } = props;
  const { summary, objective } = standing;
  const metric = objective.metric;
  const confidence = summary.confidence ?? DEFAULT_CONFIDENCE;
  const baseline = finite(summary.baseline);
  const target = finite(summary.target);

  // The y scale holds every score, interval, the baseline and the target.
  const values = rows.flatMap(row => [row.score, ...(row.interval ?? [])]);
  values.push(...[baseline, target].filter((v): v is number => v !== null));
  let low = Math.min(...values);
  let high = Math.max(...values);
  if (high - low < 1e-12) {
    const half = Math.abs(low) * 0.05 || 0.05;
    low -= half;
    high += half;
  }
  const margin = (high - low) * 0.08;
  low -= margin;
  high += margin;
  const ticks = distinctTicks(scoreTicks(low, high));
  const tickLabels = formatScoreAxis(ticks);
  const left = Math.ceil(Math.max(3, ...tickLabels.map(label => label.length)) * CHAR_WIDTH) + 8;
  const plotLeft = left + INSET;
  const plotRight = width - RIGHT - INSET;
  const bottom = HEIGHT - BOTTOM;
  const y = (value: number): number => round(TOP + ((high - value) / (high - low)) * (bottom - TOP));
  const spacing = rows.length > 1 ? (plotRight - plotLeft) / (rows.length - 1) : plotRight - plotLeft;
  // On a half pixel: the interval bars are 1.5px wide lines, drawn sharp there.
  const x = (index: number): number =>
    px(rows.length > 1 ? plotLeft + index * spacing : (plotLeft + plotRight) / 2);
  const radius = clamp(spacing * 0.3, 2, 4.5);
  const bestId = summary.best?.id ?? null;
  const shipId = summary.ship?.id ?? null;
  const steps = bestSoFar(rows);

  // The labels go where they cover the fewest marks, a dot counting more than
  // a line: the reference lines' by the right or left end of their line, above
  // or below it, the target's first; then the names beside their points.
  const marks: IBox[] = rows.flatMap((row, index) => {
    const [at, score, reach] = [x(index), y(row.score), radius + 3]; // the best's ring included
    const dot = { x0: at - reach, x1: at + reach, y0: score - reach, y1: score + reach, weight: 3 };
    const [low, high] = row.interval ?? [row.score, row.score];
    return [dot, { x0: at - 2, x1: at + 2, y0: y(high), y1: y(low) }];
  });
  const corners = steps.map(step => [x(step.index), y(step.value)] as const);
  corners.slice(1).forEach(([cx, cy], i) => {
    const [px0, py0] = corners[i];
    marks.push({ x0: px0, x1: cx, y0: py0 - 1, y1: py0 + 1 }); // across
    marks.push({ x0: cx - 1, x1: cx + 1, y0: Math.min(py0, cy), y1: Math.max(py0, cy) }); // up or down
  });
  for (const value of [baseline, target]) {
    if (value !== null) {
      // a line through a label strikes it out
      marks.push({ x0: left, x1: width - RIGHT, y0: y(value) - 1, y1: y(value) + 1, weight: 2 });
    }
  }
  const ends = { left: left + 4, right: width - RIGHT - 2 };
  const taken: IBox[] = [];
  const take = (label: ILabel): ILabel => {
    taken.push(label.box);
    return label;
  };
  const targetLabel =
    target === null ? null : take(placeLabel(`target ${formatScore(target)}`, y(target), ends, marks, taken));
  const baselineLabel =
    baseline === null ? null : take(placeLabel(`baseline ${formatScore(baseline)}`, y(baseline), ends, marks, taken));
  // The best and the model to ship are named beside their points, after the
  // lines' labels, which have fewer places to go.
  const names = rows.flatMap((row, index) => {
    const text = pointName(row, bestId, shipId);
    if (text === null) {
      return [];
    }
    const at = { x: x(index), y: y(row.score), reach: radius + 4 };
    return [{ row, label: take(placePointLabel(fitted(text, ends), at, ends, marks, taken)) }];
  });

  const description =
    `${metric.label} of ${rows.length} ${rows.length === 1 ? 'evaluation' : 'evaluations'} in order ` +
    `(${metric.greater_is_better ? 'higher' : 'lower'} is better)` +
    (baseline !== null ? `, baseline ${formatScore(baseline)}` : '') +
    (target !== null ? `, target ${formatScore(target)}` : '') +
    (summary.best ? `, best ${summary.best.name} ${formatScore(summary.best.score)}` : '') +
    (summary.ship ? `, ship ${summary.ship.name} ${formatScore(summary.ship.score)}` : '');

  return (
    <svg
      className="jp-nbalign-chart-svg"
      data-testid="nbalign-chart"
      role="group"
      aria-label={description}
      viewBox={`0 0 ${width} ${HEIGHT}`}
      width="100%"
      preserveAspectRatio="xMinYMin meet"
    >
      <g className="jp-nbalign-chart-axis" aria-hidden="true">
        {ticks.map((tick, i) => (
          <g key={tick}>
            <line className="jp-nbalign-chart-grid" x1={left} x2={width - RIGHT} y1={px(y(tick))} y2={px(y(tick))} />
            <text className="jp-nbalign-chart-tick" x={left - 5} y={y(tick)} dy="0.32em" textAnchor="end">
              {tickLabels[i]}
            </text>
          </g>
        ))}
        <line className="jp-nbalign-chart-frame-line" x1={px(left)} x2={px(left)} y1={TOP - 4} y2={bottom + 4} />
      </g>
      {baseline !== null && baselineLabel && (
        <ReferenceLine kind="baseline" y={y(baseline)} label={baselineLabel} from={left} to={width - RIGHT} />
      )}
      {target !== null && targetLabel && (
        <ReferenceLine kind="target" y={y(target)} label={targetLabel} from={left} to={width - RIGHT} />
      )}
      {corners.length > 1 && (
        <path
          className="jp-nbalign-chart-best"
          data-testid="nbalign-chart-best"
          data-rows={steps.map(step => rows[step.index].id).join(' ')}
          d={stepPath(corners)}
          aria-hidden="true"
        />
      )}
      {rows.map((row, index) => (
        <Point
          key={row.id}
          row={row}
          x={x(index)}
          y={y}
          radius={radius}
          cap={Math.min(4, Math.max(1.5, spacing * 0.2))}
          isBest={row.id === bestId}
          isShip={row.id === shipId}
          confidence={confidence}
          metricLabel={metric.label}
          goTo={goTo && row.cell_id ? goTo : undefined}
        />
      ))}
      {names.map(({ row, label }) => (
        <text
          key={row.id}
          className="jp-nbalign-chart-name"
          data-testid="nbalign-chart-name"
          data-row-id={row.id}
          x={label.x}
          y={label.y}
          textAnchor={label.anchor}
          aria-hidden="true"
        >
          {label.text}
        </text>
      ))}
    </svg>
  );
}

/** A horizontal reference line across the plot, labelled where `placeLabel` found room. */
function ReferenceLine(props: {
  kind: 'baseline' | 'target';
  y: number;
  label: ILabel;
  from: number;
  to: number;
}): JSX.Element {
  const { kind, label, from, to } = props;
  const y = px(props.y);
  return (
    <g className={`jp-nbalign-chart-ref jp-nbalign-chart-${kind}`} data-testid={`nbalign-chart-${kind}`}>
      <line x1={from} x2={to} y1={y} y2={y} />
      <text x={label.x} y={label.y} textAnchor={label.anchor}>
        {label.text}
      </text>
    </g>
  );
}

/** A rectangle in the chart's pixels, and how much a label covering it costs (1 unless said). */
interface IBox {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  weight?: number;
}

/** A label placed: its text, where its baseline starts or ends, and the room it takes. */
interface ILabel {
  text: string;
  x: number;
  y: number;
  anchor: 'start' | 'end';
  box: IBox;
}

/** The plot's left and right ends, in pixels: where labels may go. */
interface IEnds {
  left: number;
  right: number;
}

/**
 * Where a line's label covers the fewest marks (and never another label):
 * above or below the line at `y`, by its right end first, then its left; else
 * a line of text further from it (a point sitting on the line, as the baseline
 * model's does on the baseline); inside the chart's height.
 */
export function placeLabel(
  text: string,
  y: number,
  ends: IEnds,
  marks: readonly IBox[],
  labels: readonly IBox[]
): ILabel {
  const width = textWidth(text);
  const rows = [y - 2 - LABEL_HEIGHT, y + 2, y - 2 - 2 * LABEL_HEIGHT, y + 2 + LABEL_HEIGHT];
  const candidates = [rows.slice(0, 2), rows.slice(2)].flatMap(near => [
    ...near.map(y0 => labelAt(text, ends.right - width, y0, 'end')),
    ...near.map(y0 => labelAt(text, ends.left, y0, 'start'))
  ]);
  return cheapest(candidates, ends, marks, labels);
}

/**
 * Where a point's name covers the fewest marks (and never another label):
 * beside the point at `at` (right, then left), else above or below it, clear
 * of its dot and its interval bar by `reach`, else a line further up or down.
 * A name too long for its side is slid back inside the plot, along its row.
 */
export function placePointLabel(
  text: string,
  at: { x: number; y: number; reach: number },
  ends: IEnds,
  marks: readonly IBox[],
  labels: readonly IBox[]
): ILabel {
  const width = textWidth(text);
  const { x, y, reach } = at;
  const inside = (x0: number): number => clamp(x0, ends.left, Math.max(ends.left, ends.right - width));
  const middle = y - LABEL_HEIGHT / 2;
  const rows = [y - reach - LABEL_HEIGHT, y + reach, y - reach - 2 * LABEL_HEIGHT, y + reach + LABEL_HEIGHT];
  return cheapest(
    [
      labelAt(text, inside(x + reach), middle, 'start'),
      labelAt(text, inside(x - reach - width), middle, 'end'),
      ...rows.flatMap(y0 => [
        labelAt(text, inside(x + 3), y0, 'start'),
        labelAt(text, inside(x - 3 - width), y0, 'end')
      ])
    ],
    ends,
    marks,
    labels
  );
}

/** A label whose box starts at (x0, y0), its text anchored at the box's start or end. */
function labelAt(text: string, x0: number, y0: number, anchor: 'start' | 'end'): ILabel {
  const box = { x0, x1: x0 + textWidth(text), y0, y1: y0 + LABEL_HEIGHT };
  return { text, x: round(anchor === 'start' ? box.x0 : box.x1), y: round(box.y1 - 2), anchor, box };
}

/** The candidate that leaves the plot least, covers no other label, then the fewest marks; the first on a tie. */
function cheapest(candidates: ILabel[], ends: IEnds, marks: readonly IBox[], labels: readonly IBox[]): ILabel {
  const cost = (label: ILabel): number =>
    (label.box.y0 < 0 || label.box.y1 > HEIGHT || label.box.x0 < ends.left - 1 || label.box.x1 > ends.right + 1
      ? 100
      : 0) +
    10 * labels.filter(other => overlaps(label.box, other)).length +
    marks.reduce((sum, mark) => sum + (overlaps(label.box, mark) ? (mark.weight ?? 1) : 0), 0);
  return candidates.reduce((best, label) => (cost(label) < cost(best) ? label : best));
}

/** About the width a label takes, in pixels. */
function textWidth(text: string): number {
  return text.length * LABEL_CHAR_WIDTH;
}

/** A name cut to the plot's width with an ellipsis (the point's tooltip has it whole). */
function fitted(text: string, ends: IEnds): string {
  const room = Math.floor((ends.right - ends.left) / LABEL_CHAR_WIDTH);
  return text.length <= room ? text : `${text.slice(0, Math.max(1, room - 1))}\u2026`;
}

function overlaps(a: IBox, b: IBox): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/** One evaluation: its interval bar, its dot (ringed when best), a halo on hover or focus, its title. */
function Point(props: {
  row: IRow;
  x: number;
  y: (value: number) => number;
  radius: number;
  cap: number;
  isBest: boolean;
  isShip: boolean;
  confidence: number;
  metricLabel: string;
  goTo: ((row: IRow) => void) | undefined;
}): JSX.Element {
  const { row, radius, cap, isBest, isShip, confidence, goTo } = props;
  const x = props.x;
  const cy = props.y(row.score);
  const kind = pointKind(row);
  const interval = row.interval ?? null;
  const title =
    `${row.name}: ${formatScore(row.score)} ${props.metricLabel}` +
    (interval ? ` (${formatScoreInterval(interval, confidence)})` : '') +
    ` \u00b7 ${verdictWord(row)}${isBest ? ' \u00b7 best' : ''}${isShip ? ' \u00b7 the model to ship' : ''}` +
    (goTo ? ' \u00b7 click to go to its cell' : '');
  const activate = goTo && ((): void => goTo(row));
  return (
    <g
      className="jp-nbalign-chart-point"
      data-testid="nbalign-chart-point"
      data-name={row.name}
      data-row-id={row.id}
      data-tone={row.tone}
      data-kind={kind}
      data-best={isBest}
      data-ship={isShip}
      data-became-best={row.became_best === true}
      data-clickable={Boolean(activate)}
      role={activate ? 'button' : 'img'}
      aria-label={title}
      tabIndex={activate ? 0 : undefined}
      onClick={activate}
      onKeyDown={
        activate &&
        ((event: React.KeyboardEvent) => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            activate();
          }
        })
      }
    >
      <title>{title}</title>
      {interval && <IntervalBar x={x} low={px(props.y(interval[0]))} high={px(props.y(interval[1]))} cap={cap} />}
      <circle className="jp-nbalign-chart-halo" cx={x} cy={cy} r={radius + 5} />
      {isBest && <circle className="jp-nbalign-chart-best-ring" cx={x} cy={cy} r={radius + 2.5} />}
      <circle className="jp-nbalign-chart-dot" cx={x} cy={cy} r={kind === 'model' ? radius : radius - 0.5} />
    </g>
  );
}

/** A vertical bar from low to high (pixels), capped at both ends. */
function IntervalBar(props: { x: number; low: number; high: number; cap: number }): JSX.Element {
  const { x, low, high } = props;
  const cap = round(props.cap);
  return (
    <g className="jp-nbalign-chart-interval" data-testid="nbalign-chart-interval">
      <line x1={x} x2={x} y1={low} y2={high} />
      <line x1={x - cap} x2={x + cap} y1={low} y2={low} />
      <line x1={x - cap} x2={x + cap} y1={high} y2={high} />
    </g>
  );
}

/** What the marks mean, for the marks that are drawn. */
function Legend(props: { standing: IStanding; rows: IRow[] }): JSX.Element {
  const { standing, rows } = props;
  const kinds = new Set(rows.map(pointKind));
  const hasBest = bestSoFar(rows).length > 1;
  const hasInterval = rows.some(row => row.interval);
  const confidence = standing.summary.confidence ?? DEFAULT_CONFIDENCE;
  return (
    <div className="jp-nbalign-chart-legend" aria-hidden="true">
      {hasBest && (
        <span>
          <span className="jp-nbalign-chart-key jp-nbalign-chart-key-best" /> best so far
        </span>
      )}
      {hasInterval && (
        <span>
          <span className="jp-nbalign-chart-key jp-nbalign-chart-key-interval" />{' '}
          {`${formatLevel(confidence)} interval`}
        </span>
      )}
      {(kinds.has('baseline') || kinds.has('apart')) && (
        <span>
          <span className="jp-nbalign-chart-key jp-nbalign-chart-key-hollow" />{' '}
          {kinds.has('apart') ? (kinds.has('baseline') ? 'baseline, set apart' : 'set apart') : 'baseline model'}
        </span>
      )}
    </div>
  );
}

/**
 * A step line through points [x, y]: across to the next point's x, then up or
 * down to its y.
 */
export function stepPath(points: readonly (readonly [number, number])[]): string {
  return points
    .map(([sx, sy], i) => (i === 0 ? `M${round(sx)} ${round(sy)}` : `H${round(sx)}V${round(sy)}`))
    .join('');
}

/** Ticks whose labels read differently: a tick that reads like its neighbour is dropped. */
function distinctTicks(ticks: number[]): number[] {
  const labels = formatScoreAxis(ticks);
  return ticks.filter((_, i) => i === 0 || labels[i] !== labels[i - 1]);
}

function finite(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** A coordinate to a tenth of a pixel. */
function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** A 1px line's coordinate on a half pixel, so it is drawn sharp rather than over two rows. */
function px(value: number): number {
  return Math.round(value) + 0.5;
}
