/**
 * The chart of the evaluations, rendered to static SVG in node: which rows it draws and how,
 * the reference lines, the best-so-far step, the best and the model to ship named, names as
 * text, and standings with 0 or 1 row or without the fields of issues 11 and 19.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as React from 'react';
import { renderToStaticMarkup } from 'react-dom/server';

import {
  bestSoFar,
  Chart,
  chartRows,
  placeLabel,
  placePointLabel,
  pointKind,
  pointName,
  scoreTicks,
  stepPath
} from '../chart';
import { Dashboard } from '../dashboard';
import { formatScoreAxis, formatScoreInterval } from '../format';
import { IRow, IStanding, parseMessage } from '../protocol';
import { readMessage, standingPayload } from './fixtures';

const XSS_NAME = '<img src=x onerror=alert(1)>';
const XSS_TEXT = '&lt;img src=x onerror=alert(1)&gt;';

function example(): IStanding {
  return structuredClone(standingPayload().standing!);
}

function edited(edit: (standing: IStanding) => void): IStanding {
  const standing = example();
  edit(standing);
  return standing;
}

function render(standing: IStanding, onGoToCell?: (cellId: string) => boolean): string {
  return renderToStaticMarkup(<Chart standing={standing} onGoToCell={onGoToCell} />);
}

/** Each point's opening tag. */
function points(html: string): string[] {
  return html.match(/<g[^>]*data-testid="nbalign-chart-point"[^>]*>/g) ?? [];
}

function attribute(tag: string, name: string): string {
  const match = new RegExp(`${name}="([^"]*)"`).exec(tag);
  assert.ok(match, `${name} in ${tag}`);
  return match[1];
}

/** The circles of the dots: [cx, cy] for each point, in order. */
function dots(html: string): [number, number][] {
  return [...html.matchAll(/<circle class="jp-nbalign-chart-dot" cx="([\d.]+)" cy="([\d.]+)"/g)].map(m => [
    Number(m[1]),
    Number(m[2])
  ]);
}

/** The vertices of the step path "M x y H x V y ...". */
function vertices(d: string): [number, number][] {
  const out: [number, number][] = [];
  const start = /^M([\d.]+) ([\d.]+)/.exec(d)!;
  out.push([Number(start[1]), Number(start[2])]);
  for (const m of d.matchAll(/H([\d.]+)V([\d.]+)/g)) {
    out.push([Number(m[1]), Number(m[2])]);
  }
  return out;
}

test('the example standing: a point per row of the metric, in order, other metrics left out', () => {
  const html = render(example());
  assert.match(html, /<svg[^>]*data-testid="nbalign-chart"/);
  const tags = points(html);
  assert.equal(tags.length, 3, 'logreg, the tree with a tricky name, gbm; not "logreg v1" (ROC AUC)');
  assert.deepEqual(
    tags.map(tag => attribute(tag, 'data-name')),
    ['logreg', '&lt;img src=x onerror=alert(1)&gt;', 'gbm']
  );
  assert.deepEqual(
    tags.map(tag => attribute(tag, 'data-tone')),
    ['good', 'neutral', 'good'],
    "the kernel's tones"
  );
  assert.doesNotMatch(html, /logreg v1/);
  // in order along x; higher scores higher up (smaller y)
  const [first, second, third] = dots(html);
  assert.ok(first[0] < second[0] && second[0] < third[0], 'x grows with the order');
  assert.ok(third[1] < first[1] && first[1] < second[1], 'y follows the score: 0.61 > 0.52 > 0.515');
  assert.doesNotMatch(html, /NaN|Infinity|undefined/);
});

test('the chart is sized in pixels and labelled for screen readers', () => {
  const html = render(example());
  assert.match(html, /<svg[^>]*viewBox="0 0 300 150"[^>]*width="100%"/);
  assert.match(
    html,
    /aria-label="average precision of 3 evaluations in order \(higher is better\), baseline 0\.270, target 0\.600, best gbm 0\.610, ship gbm 0\.610"/
  );
});

test('a point names its model and score in its title, with its interval and verdict', () => {
  const html = render(example());
  const titles = [...html.matchAll(/<title>([^<]*)<\/title>/g)].map(m => m[1]);
  assert.deepEqual(titles, [
    'logreg: 0.520 average precision (95% CI 0.476 to 0.563) \u00b7 better',
    '&lt;img src=x onerror=alert(1)&gt;: 0.515 average precision (95% CI 0.469 to 0.560) \u00b7 not distinguishable',
    'gbm: 0.610 average precision (95% CI 0.568 to 0.651) \u00b7 better \u00b7 best \u00b7 the model to ship'
  ]);
  assert.equal((html.match(/data-testid="nbalign-chart-interval"/g) ?? []).length, 3);
  assert.equal((html.match(/jp-nbalign-chart-best-ring/g) ?? []).length, 1, 'the best is ringed');
});

test('names are text: the tricky name makes no element', () => {
  const html = render(example());
  assert.equal(example().rows[2].name, XSS_NAME);
  assert.equal(html.split('<img').length - 1, 0);
  assert.ok(html.includes(`data-name="${XSS_TEXT}"`), 'in the attribute, escaped');
  assert.ok(html.includes(`<title>${XSS_TEXT}: 0.515`), 'in the title, as text');
  const dashboard = renderToStaticMarkup(<Dashboard state={{ ...stateOf(example()) }} />);
  assert.equal(dashboard.split('<img').length - 1, 0);
});

test('the baseline and the target are labelled lines at their scores', () => {
  const html = render(example());
  const line = (kind: string): RegExpExecArray | null =>
    new RegExp(
      `<g class="[^"]*" data-testid="nbalign-chart-${kind}"><line [^>]*y1="([\\d.]+)"[^>]*></line><text[^>]*>([^<]*)<`
    ).exec(html);
  const [target, baseline] = [line('target'), line('baseline')];
  assert.ok(target && baseline);
  assert.equal(target[2], 'target 0.600');
  assert.equal(baseline[2], 'baseline 0.270');
  assert.ok(Number(target[1]) < Number(baseline[1]), 'the target (0.6) above the baseline (0.27)');
  // Without them, no lines.
  const bare = render(
    edited(s => {
      s.summary.target = null;
      s.summary.baseline = null;
    })
  );
  assert.doesNotMatch(bare, /nbalign-chart-target|nbalign-chart-baseline/);
  assert.equal(points(bare).length, 3);
});

test('the best so far steps from the first best to the best, at the best before each row', () => {
  const html = render(example());
  const path = /<path class="jp-nbalign-chart-best" data-testid="nbalign-chart-best" data-rows="([^"]*)" d="([^"]*)"/.exec(
    html
  );
  assert.ok(path, 'a step line');
  const corners = vertices(path[2]);
  const [logreg, tree, gbm] = dots(html);
  const near = (a: [number, number], b: [number, number]): boolean =>
    Math.abs(a[0] - b[0]) < 0.11 && Math.abs(a[1] - b[1]) < 0.11;
  assert.ok(near(corners[0], logreg), 'it starts at logreg, the first best');
  assert.ok(near(corners[corners.length - 1], gbm), 'it ends at gbm, the best');
  assert.ok(!corners.some(c => near(c, tree)), 'never through the tree, which did not become the best');
  // across to gbm at the level of the best before it, then up
  assert.match(path[2], new RegExp(`H${gbm[0]}V${gbm[1]}$`));
  assert.equal(stepPath([[1, 2], [3, 4], [5, 1]]), 'M1 2H3V4H5V1');
});

test('the baseline and rows set apart are drawn hollow and stay off the step', () => {
  const standing = edited(s => {
    const [, logreg, tree, gbm] = s.rows;
    Object.assign(logreg, { role: 'baseline', verdict: 'baseline', word: 'baseline', became_best: false });
    Object.assign(tree, { verdict: 'training_data', word: 'on training data', tone: 'bad', apart: true });
    Object.assign(tree, { best_before: 0.52, best_so_far: null });
    gbm.became_best = true;
  });
  const html = render(standing);
  assert.deepEqual(
    points(html).map(tag => attribute(tag, 'data-kind')),
    ['baseline', 'apart', 'model']
  );
  assert.deepEqual(
    chartRows(standing.rows).map(pointKind),
    ['baseline', 'apart', 'model']
  );
  assert.deepEqual(
    bestSoFar(chartRows(standing.rows)).map(step => step.index),
    [2],
    'only gbm is on the step'
  );
  assert.doesNotMatch(html, /nbalign-chart-best"|best so far/, 'a step of one point is no line');
  assert.match(html, /baseline, set apart/, 'the legend says what hollow means');
  // The kernel says which rows are apart; the vocabulary only for standings saved before it did.
  const said = edited(s => Object.assign(s.rows[3], { verdict: 'training_data', apart: false }));
  assert.equal(pointKind(said.rows[3]), 'model');
  const older = edited(s => {
    s.rows[2].verdict = 'few_rows';
    delete s.rows[2].apart;
  });
  assert.equal(pointKind(older.rows[2]), 'apart');
});

test("the best so far is the kernel's, never recomputed; older standings step through became_best", () => {
  assert.deepEqual(
    bestSoFar(chartRows(example().rows)).map(step => step.value),
    [0.52, 0.52, 0.61]
  );
  // Where the kernel's line and the rows' became_best would disagree, the kernel's line is drawn.
  const stated = edited(s => (s.rows[2].best_so_far = 0.5));
  assert.deepEqual(
    bestSoFar(chartRows(stated.rows)).map(step => step.value),
    [0.52, 0.5, 0.61]
  );
  // A row without a best so far is left off it.
  const gap = edited(s => (s.rows[2].best_so_far = null));
  assert.deepEqual(bestSoFar(chartRows(gap.rows)).map(step => step.index), [0, 2]);
  // Saved before best_so_far (issue 19): the rows that became the best, else the best before them.
  const older = edited(s => {
    s.rows.forEach(row => delete row.best_so_far);
    s.rows[2].best_before = 0.5;
  });
  assert.deepEqual(
    bestSoFar(chartRows(older.rows)).map(step => step.value),
    [0.52, 0.5, 0.61]
  );
});

test('the best and the model to ship are named beside their points, once each', () => {
  const names = (html: string): string[] =>
    [...html.matchAll(/data-testid="nbalign-chart-name" data-row-id="(\d+)"[^>]*>([^<]*)</g)].map(m => `${m[1]} ${m[2]}`);
  // One model is both
  assert.deepEqual(names(render(example())), ['4 best, ship: gbm']);
  // Two models: each its name, the tricky one as text
  const apart = edited(s => (s.summary.ship = { ...s.summary.ship!, id: 3, name: XSS_NAME }));
  const html = render(apart);
  assert.deepEqual(names(html), [`3 ship: ${XSS_TEXT}`, '4 best: gbm']);
  assert.equal(html.split('<img').length - 1, 0);
  assert.match(html, /data-name="&lt;img[^"]*"[^>]*data-best="false" data-ship="true"/);
  // A standing saved before the model to ship names the best only; with neither, nothing.
  assert.deepEqual(names(render(edited(s => delete s.summary.ship))), ['4 best: gbm']);
  assert.deepEqual(
    names(
      render(
        edited(s => {
          s.summary.best = null;
          s.summary.ship = null;
        })
      )
    ),
    []
  );
  const row = example().rows[3];
  assert.equal(pointName(row, 4, 4), 'best, ship: gbm');
  assert.equal(pointName(row, 4, 2), 'best: gbm');
  assert.equal(pointName(row, 2, 4), 'ship: gbm');
  assert.equal(pointName(row, 2, 3), null);
});

test("a point's name goes beside it where it covers no label and the fewest marks, inside the plot", () => {
  const ends = { left: 40, right: 290 };
  const at = { x: 150, y: 70, reach: 6 };
  const free = placePointLabel('best: gbm', at, ends, [], []);
  assert.equal(free.anchor, 'start', 'to the right of the point when nothing is there');
  assert.ok(free.box.x0 >= at.x + at.reach && free.box.y0 < at.y && free.box.y1 > at.y, 'beside it');
  const right = { x0: 150, x1: 290, y0: 60, y1: 80 };
  const left = placePointLabel('best: gbm', at, ends, [right], []);
  assert.equal(left.anchor, 'end', 'to the left when a mark is on the right');
  assert.ok(left.box.x1 <= at.x - at.reach);
  // By the plot's right end: never out of it
  const edge = placePointLabel('ship: linear baseline', { x: 285, y: 70, reach: 6 }, ends, [], []);
  assert.ok(edge.box.x1 <= ends.right + 1 && edge.box.x0 >= ends.left - 1, JSON.stringify(edge.box));
  // Too long for either side of a point near the left end: slid inside, above the point, off its dot
  const narrow = { left: 40, right: 200 };
  const dot = { x0: 55, x1: 65, y0: 65, y1: 75 };
  const long = placePointLabel('best, ship: linear baseline', { x: 60, y: 70, reach: 6 }, narrow, [dot], []);
  assert.ok(long.box.x0 >= narrow.left && long.box.x1 <= narrow.right, JSON.stringify(long.box));
  assert.ok(long.box.y1 <= dot.y0, `above the dot: ${JSON.stringify(long.box)}`);
  // Never on another label: the target's label beside the point sends it elsewhere
  const target = placeLabel('target 0.600', 70, ends, [], []);
  const other = placePointLabel('best: gbm', { x: 250, y: 64, reach: 6 }, ends, [], [target.box]);
  const overlap = (a: typeof target.box, b: typeof target.box): boolean =>
    a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
  assert.ok(!overlap(other.box, target.box), `${JSON.stringify(other.box)} on ${JSON.stringify(target.box)}`);
});

test('a long name is cut to the plot with an ellipsis; the tooltip has it whole', () => {
  const long = 'gradient boosting with every feature we could think of, tuned twice';
  const html = render(edited(s => (s.rows[3].name = s.summary.best!.name = s.summary.ship!.name = long)));
  const label = /data-testid="nbalign-chart-name"[^>]*>([^<]*)</.exec(html)![1];
  assert.ok(label.startsWith('best, ship: gradient boosting') && label.endsWith('\u2026'), label);
  assert.ok(label.length < 50, label);
  assert.match(html, new RegExp(`<title>${long}: 0\\.610`));
});

test('nothing to draw: no chart, and the dashboard still renders', () => {
  const none = edited(s => (s.rows = s.rows.filter(row => row.verdict === 'other_metric')));
  assert.equal(render(none), '');
  assert.equal(render(edited(s => (s.rows = []))), '');
  const dashboard = renderToStaticMarkup(<Dashboard state={stateOf(edited(s => (s.rows = [])))} />);
  assert.doesNotMatch(dashboard, /nbalign-chart/);
  assert.match(dashboard, /No model evaluated yet/);
});

test('one row: one point in the middle, no step to draw but its own, no NaN', () => {
  const one = edited(s => (s.rows = [s.rows[1]]));
  const html = render(one);
  assert.equal(points(html).length, 1);
  const [[cx]] = dots(html);
  assert.ok(cx > 100 && cx < 200, `centred (${cx})`);
  assert.doesNotMatch(html, /NaN|Infinity/);
  // and alone, without baseline or target: a scale around its score
  const alone = edited(s => {
    s.rows = [s.rows[1]];
    s.rows[0].interval = null;
    s.summary.baseline = null;
    s.summary.target = null;
  });
  const bare = render(alone);
  assert.equal(points(bare).length, 1);
  assert.doesNotMatch(bare, /NaN|Infinity/);
  assert.match(bare, /class="jp-nbalign-chart-tick"[^>]*>0\.5\d0</, 'ticks around 0.52');
});

test('an older standing (no became_best, best_so_far, interval or cell_id) draws points and lines only', () => {
  const old = edited(s => {
    for (const row of s.rows) {
      delete row.became_best;
      delete row.best_so_far;
      delete row.interval;
      delete row.cell_id;
    }
  });
  const html = render(old, () => true);
  assert.equal(points(html).length, 3);
  assert.doesNotMatch(html, /nbalign-chart-best"|nbalign-chart-interval|role="button"/);
  assert.match(html, /nbalign-chart-target/);
});

test('points with a cell take clicks when the panel can go to cells', () => {
  const html = render(example(), () => true);
  assert.deepEqual(
    points(html).map(tag => [attribute(tag, 'data-clickable'), /role="button"/.test(tag), /tabindex="0"/.test(tag)]),
    [
      ['true', true, true],
      ['false', false, false], // the tree's row has no cell id
      ['true', true, true]
    ]
  );
  assert.match(html, /gbm: 0\.610[^<]*click to go to its cell/);
  const readOnly = render(example());
  assert.doesNotMatch(readOnly, /role="button"|click to go/);
});

test('ticks: round steps inside the range, read as scores', () => {
  assert.deepEqual(scoreTicks(0.24, 0.68), [0.3, 0.4, 0.5, 0.6]);
  assert.deepEqual(scoreTicks(0.89, 1.0), [0.9, 0.95, 1]);
  assert.deepEqual(scoreTicks(0.2, 0.7), [0.2, 0.4, 0.6], 'three or five: the coarser');
  assert.deepEqual(scoreTicks(20000, 31000), [20000, 25000, 30000]);
  assert.deepEqual(scoreTicks(-2.2, -0.4), [-2, -1.5, -1, -0.5]);
  assert.deepEqual(scoreTicks(0.3, 0.3), [0.3]);
  assert.deepEqual(scoreTicks(0.1, 0.4), [0.1, 0.2, 0.3, 0.4], 'no float noise');
  const html = render(example());
  const labels = [...html.matchAll(/class="jp-nbalign-chart-tick"[^>]*>([^<]*)</g)].map(m => m[1]);
  assert.ok(labels.length >= 3 && labels.length <= 6, labels.join(' '));
  assert.ok(labels.every(label => /^\d\.\d{3}$/.test(label)), labels.join(' '));
});

test('a score interval reads as scores', () => {
  assert.equal(formatScoreInterval([0.476, 0.563], 0.95), '95% CI 0.476 to 0.563');
  assert.equal(formatScoreInterval([-0.5, 1200], 0.9), '90% CI \u22120.500 to 1,200');
  assert.equal(formatScoreInterval(null, 0.95), '\u2014');
});

test('the parser takes the fields of issue 11, absent or null, and rejects them malformed', t => {
  t.mock.method(console, 'warn', () => undefined);
  const message = (edit: (rows: any[]) => void): unknown => {
    const m = readMessage('standing.json');
    edit(m.payload.standing.rows);
    return m;
  };
  const rows: IRow[] = standingPayload().standing!.rows;
  assert.deepEqual(
    rows.map(row => [row.became_best, row.interval, row.cell_id]),
    [
      [false, null, '2f1c8a0e-4d5b-4c3a-9e7f-1a2b3c4d5e60'],
      [true, [0.476, 0.563], '7b9e2d41-0c6f-4a8e-b5d2-3e4f5a6b7c81'],
      [false, [0.469, 0.56], null],
      [true, [0.568, 0.651], 'c3d4e5f6-1a2b-4c5d-8e9f-0a1b2c3d4e52']
    ]
  );
  const absent = message(rs => rs.forEach(r => ['became_best', 'interval', 'cell_id'].forEach(k => delete r[k])));
  assert.ok(parseMessage(absent), 'absent (older standings)');
  const malformed: [string, (rows: any[]) => void][] = [
    ['became_best as text', rs => (rs[1].became_best = 'yes')],
    ['became_best null', rs => (rs[1].became_best = null)],
    ['an interval of one number', rs => (rs[1].interval = [0.5])],
    ['an interval of three numbers', rs => (rs[1].interval = [0.5, 0.6, 0.7])],
    ['an interval with a text end', rs => (rs[1].interval = [0.5, '0.6'])],
    ['an interval with an end that is not finite', rs => (rs[1].interval = [0.5, Infinity])],
    ['a cell id as a number', rs => (rs[1].cell_id = 7)]
  ];
  for (const [what, edit] of malformed) {
    assert.equal(parseMessage(message(edit)), null, `${what} must be rejected`);
  }
});

function stateOf(standing: IStanding) {
  return { live: true, session: 's', revision: 1, standing, savedAt: null };
}

test('axis ticks read as scores, with the decimals the most precise of them takes', () => {
  assert.deepEqual(formatScoreAxis([0.85, 0.9, 0.95, 1, 1.05]), ['0.850', '0.900', '0.950', '1.000', '1.050']);
  assert.deepEqual(formatScoreAxis([20000, 25000, 30000]), ['20,000', '25,000', '30,000']);
  assert.deepEqual(formatScoreAxis([-0.5, 0, 0.5]), ['\u22120.500', '0.000', '0.500']);
  assert.deepEqual(formatScoreAxis([900, 1000, 1100]), ['900.0', '1,000.0', '1,100.0']);
  assert.deepEqual(formatScoreAxis([]), []);
});

test('the labels of the lines go where they cover no point', () => {
  const ends = { left: 40, right: 290 };
  const free = placeLabel('target 0.600', 50, ends, [], []);
  assert.equal(free.anchor, 'end', 'by the right end when nothing is there');
  assert.ok(free.box.y1 <= 50, 'above its line');
  const point = { x0: 270, x1: 290, y0: 30, y1: 60 };
  const moved = placeLabel('target 0.600', 50, ends, [point], []);
  assert.equal(moved.anchor, 'start', 'to the left end when the latest point is there');
  const top = placeLabel('target 0.600', 4, ends, [], []);
  assert.ok(top.box.y0 >= 4, 'below its line when above would leave the chart');
  const apart = placeLabel('baseline 0.270', 52, ends, [], [free.box]);
  assert.ok(apart.box.y0 >= free.box.y1 || apart.box.x1 <= free.box.x0, 'never on the other label');
});
