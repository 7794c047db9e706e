/**
 * The panel's rendering, to static HTML in node: what a standing shows, and that user text
 * stays text (the example standing names a model "<img src=x onerror=alert(1)>").
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as React from 'react';
import { renderToStaticMarkup } from 'react-dom/server';

import { Dashboard } from '../dashboard';
import { EmptyState } from '../empty';
import { AlignModel, IAlignState } from '../model';
import { IStanding } from '../protocol';
import { formatDate } from '../format';
import { fromSaved } from '../saved';
import { readProtocol, standingPayload } from './fixtures';
import { count, elements, textOf } from './markup';

function exampleState(): IAlignState {
  const model = new AlignModel();
  model.applyStanding(standingPayload());
  return model.state;
}

/** The example state with its standing changed by `edit` (on a copy). */
function editedState(edit: (standing: IStanding) => void): IAlignState {
  const state = exampleState();
  const standing = structuredClone(state.standing!);
  edit(standing);
  return { ...state, standing };
}

function render(state: IAlignState): string {
  return renderToStaticMarkup(<Dashboard state={state} />);
}

test('user text is escaped, never markup', () => {
  const html = render(exampleState());
  assert.equal(count(html, '<img'), 0);
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'), 'the name shows literally');
});

test('the example standing: objective, progress, best, banner', () => {
  const html = render(exampleState());
  assert.match(html, /data-testid="nbalign-objective-name"[^>]*>churn</);
  assert.match(html, />v2</);
  assert.match(html, /data-testid="nbalign-status" data-live="true"[^>]*>live</);
  assert.match(html, /9% \u2192 5% by 2027-06-30/);
  assert.match(html, /owner: VP Growth/);
  assert.match(html, /higher is better/);
  assert.match(html, /data-tone="reached" data-testid="nbalign-progress-percent"[^>]*>103%</);
  assert.match(html, /aria-valuenow="100"/);
  assert.match(html, /baseline<\/span> 0\.270/);
  assert.match(html, /target<\/span> 0\.600/);
  assert.match(html, /data-testid="nbalign-best"[^]*gbm[^]*0\.610/);
  assert.match(html, /data-testid="nbalign-banner" data-level="success"[^]*NBA305[^]*Target reached/);
  assert.match(html, /gbm scores 0\.610, meeting the target 0\.600/);
  assert.equal(count(html, 'nbalign-saved-note'), 0, 'live: no saved note');
});

test('the story, the best and the model to ship read as the kernel decided them', () => {
  const html = render(exampleState());
  const story = elements(html, 'nbalign-story', 'p');
  assert.equal(story.length, 1);
  assert.equal(
    textOf(story[0]),
    'Shipping gbm is projected to bring 3-month churn rate of new customers from 9% to 4.9% ' +
      '(95% CI 4.3% to 5.5%), which meets the target (target 5%).'
  );
  assert.equal(textOf(elements(html, 'nbalign-best', 'div')[0]), 'bestgbm0.610');
  assert.equal(
    textOf(elements(html, 'nbalign-ship', 'div')[0]),
    'shipgbm0.610the best model, with a real gain over every simpler one'
  );
  // Read first: the story above the progress, under the KPI; then the best, the model to ship, the claim.
  const order = [
    'data-testid="nbalign-kpi"',
    'data-testid="nbalign-story"',
    'data-testid="nbalign-progress"',
    'data-testid="nbalign-best"',
    'data-testid="nbalign-ship"',
    'data-testid="nbalign-claim"'
  ].map(needle => html.indexOf(needle));
  assert.ok(order.every(at => at >= 0), order.join(' '));
  assert.deepEqual(order, [...order].sort((a, b) => a - b), 'in this order');
});

test('the baseline model as the best candidate says so, and user text stays text', () => {
  const html = render(
    editedState(s => {
      const baseline = { id: 2, name: 'linear <b>baseline</b>', score: 0.52, role: 'baseline' } as const;
      s.summary.best = baseline;
      s.summary.ship = {
        ...baseline,
        why: 'baseline',
        reason: 'the baseline model, as no model scores above it',
        progress: 0.75
      };
    })
  );
  assert.equal(
    textOf(elements(html, 'nbalign-best', 'div')[0]),
    'bestlinear <b>baseline</b>0.520no model scores above the baseline'
  );
  assert.equal(
    textOf(elements(html, 'nbalign-ship', 'div')[0]),
    'shiplinear <b>baseline</b>0.520the baseline model, as no model scores above it'
  );
  assert.equal(count(html, '<b>'), 0);
  // A standing saved before the best's role or the model to ship: the best alone, as before.
  const older = render(
    editedState(s => {
      delete s.summary.best!.role;
      delete s.summary.ship;
      delete s.summary.story;
    })
  );
  assert.equal(textOf(elements(older, 'nbalign-best', 'div')[0]), 'bestgbm0.610');
  assert.equal(count(older, 'nbalign-ship'), 0);
  assert.equal(count(older, 'nbalign-story'), 0);
});

test("the objective's why: this version's reason, as text, and nothing when there is none", () => {
  const html = render(
    editedState(s => {
      s.objective.version = 2;
      s.objective.why = 'target raised: <script>Q1</script> review';
    })
  );
  assert.equal(textOf(elements(html, 'nbalign-objective-why', 'p')[0]), 'why v2 target raised: <script>Q1</script> review');
  assert.equal(count(html, '<script>'), 0);
  assert.equal(count(render(exampleState()), 'nbalign-objective-why'), 0);
});

test('the banner says why, folded in a disclosure', () => {
  const html = render(exampleState());
  assert.match(
    html,
    /<details[^>]*data-testid="nbalign-banner-why"><summary>why<\/summary>[^]*The model meets the metric target that was agreed to deliver the KPI\./
  );
  const quiet = render(editedState(s => (s.summary.banner = null)));
  assert.equal(count(quiet, 'nbalign-banner'), 0);
});

test('rows of the objective metric, in order, with the best starred', () => {
  const html = render(exampleState());
  const rows = elements(html, 'nbalign-evaluation');
  assert.equal(rows.length, 3);
  assert.deepEqual(
    rows.map(row => row.match(/data-testid="nbalign-evaluation-name">([^<]*)</)![1]),
    ['logreg', '&lt;img src=x onerror=alert(1)&gt;', 'gbm']
  );
  assert.equal(count(html, 'data-testid="nbalign-evaluation" data-best="true"'), 1);
  assert.match(rows[2], /data-best="true"[^]*\u2605[^]*gbm[^]*0\.610[^]*\+0\.090/);
  assert.match(html, /<span class="jp-nbalign-count"[^>]*>3</, 'summary.n_models models');
});

test('the change cell shows the kernel verdict: its tone, and in the tooltip its word and the model compared with', () => {
  const html = render(exampleState());
  assert.match(
    html,
    /data-tone="neutral" data-verdict="no_gain" title="not distinguishable: \u22120\.005 \(95% CI \u22120\.021 to \+0\.011\) against the best before it \(logreg, 0\.520\)">\u22120\.005</
  );
  assert.match(
    html,
    /data-tone="good" data-verdict="new_best" title="better: \+0\.090 \(95% CI \+0\.062 to \+0\.118\) against the best before it \(logreg, 0\.520\)">\+0\.090</
  );
  assert.match(html, /data-verdict="new_best" title="better: nothing before it to compare with">\u2014</);
  // while no model scores above the baseline model, the best before a model is the baseline model
  const baseline = render(
    editedState(s => Object.assign(s.rows[3], { best_before_name: 'linear baseline', best_before_role: 'baseline' }))
  );
  assert.match(baseline, /title="better: \+0\.090 \(95% CI \+0\.062 to \+0\.118\) against the baseline \(linear baseline, 0\.520\)"/);
  // and the row's detail says that comparison once, as the kernel's line does
  const detail = detailOf(elements(baseline, 'nbalign-evaluation')[2]);
  assert.match(detail, /^better: \+0\.090 \(95% CI \+0\.062 to \+0\.118\) against the baseline \(linear baseline, 0\.520\)p = /);
  assert.doesNotMatch(detail, /against the baseline:/);
  // a standing saved before the kernel named it: the score alone
  const older = render(editedState(s => s.rows.forEach(row => delete row.best_before_name)));
  assert.match(older, /title="better: \+0\.090 \(95% CI \+0\.062 to \+0\.118\) against the best before it, 0\.520"/);
});

test('the tone is the kernel\'s: the sidebar never judges a change again', () => {
  // A metric where lower is better does not turn gbm's +0.090 red: the row says "good".
  const lower = render(
    editedState(s => {
      s.objective.metric = {
        name: 'rmse',
        label: 'RMSE',
        scorer: 'neg_root_mean_squared_error',
        greater_is_better: false
      };
    })
  );
  assert.match(lower, /lower is better/);
  assert.match(lower, /data-tone="good"[^>]*>\+0\.090</);
  // And a row the kernel calls worse is red, whatever its sign.
  const worse = render(
    editedState(s => Object.assign(s.rows[2], { verdict: 'worse', word: 'worse', tone: 'bad' }))
  );
  assert.match(worse, /data-tone="bad" data-verdict="worse" title="worse: \u22120\.005/);
});

test("each row's line says its verdict in words, toned; its check codes wait in its detail, in words", () => {
  const rows = elements(render(exampleState()), 'nbalign-evaluation');
  const words = rows.map(row => /data-testid="nbalign-evaluation-word" data-tone="(\w+)">([^<]*)</.exec(row)!.slice(1));
  assert.deepEqual(words, [
    ['good', 'better'],
    ['neutral', 'not distinguishable'],
    ['good', 'better']
  ]);
  // no badge in a row's line: the checks are in the detail, each by its title and the kernel's
  // message about the row (the check's explanation on hover)
  for (const row of rows) {
    assert.doesNotMatch(row.slice(0, row.indexOf('</summary>')), /NBA\d{3}|jp-nbalign-code-badge/);
  }
  const findings = rows.map(row => elements(row, 'nbalign-diagnostic'));
  assert.deepEqual(findings.map(found => found.length), [0, 1, 1]);
  assert.match(
    findings[1][0],
    /data-level="info" title="The model does not beat the best so far by at least min_gain\."/
  );
  assert.equal(
    textOf(findings[1][0]),
    'No real gain NBA302<img src=x onerror=alert(1)> scores 0.515, not distinguishable from the best before it ' +
      '(logreg, 0.520): \u22120.005 (95% CI \u22120.021 to +0.011).'
  );
  assert.match(findings[2][0], /data-level="success"[^>]*><span class="jp-nbalign-row-finding-title">Target reached</);
  assert.ok(rows[1].indexOf('nbalign-diagnostic') > rows[1].indexOf('nbalign-evaluation-detail'), 'in the detail');
  // A standing saved before the kernel sent the messages: each check's explanation.
  const older = render(editedState(s => s.rows.forEach(row => delete row.findings)));
  assert.equal(
    textOf(elements(older, 'nbalign-diagnostic')[0]),
    'No real gain NBA302The model does not beat the best so far by at least min_gain.'
  );
  // A code the standing does not explain still shows, plainly.
  const unexplained = render(
    editedState(s => {
      s.rows[1].codes = ['NBA201'];
      s.rows[1].findings = [{ code: 'NBA201', message: 'logreg is scored on 30 rows of 1,409.' }];
    })
  );
  assert.match(
    unexplained,
    /data-level="info"><span class="jp-nbalign-row-finding-title">NBA201<\/span><div class="jp-nbalign-muted">logreg is scored on 30 rows of 1,409\.<\/div><\/li>/
  );
});

test("the kernel's word is shown; the vocabulary's only for a standing saved before it sent one", () => {
  const said = render(editedState(s => (s.rows[2].word = 'no real gain, <b>kernel</b>')));
  assert.match(said, /data-testid="nbalign-evaluation-word" data-tone="neutral">no real gain, &lt;b&gt;kernel&lt;\/b&gt;</);
  const older = render(editedState(s => s.rows.forEach(row => delete row.word)));
  assert.equal(
    count(older, 'data-testid="nbalign-evaluation-word" data-tone="neutral">not distinguishable<'),
    1
  );
});

test('a row set apart shows its word, no change, and in its detail why it is not compared', () => {
  const html = render(
    editedState(s =>
      Object.assign(s.rows[2], { verdict: 'few_rows', word: 'on a slice of the test set', apart: true, best_so_far: null })
    )
  );
  const row = elements(html, 'nbalign-evaluation')[1];
  assert.match(row, /data-apart="true"/);
  assert.match(row, /data-testid="nbalign-evaluation-word" data-tone="neutral">on a slice of the test set</);
  assert.match(row, /data-verdict="few_rows" title="on a slice of the test set"><\/span>/, 'no change, no bar');
  assert.match(detailOf(row), /^on a slice of the test set: set apart from the comparison, never the best/);
  // the same from the vocabulary for a standing saved before `apart`
  const older = render(
    editedState(s => {
      Object.assign(s.rows[2], { verdict: 'training_data', tone: 'bad' });
      delete s.rows[2].word;
      delete s.rows[2].apart;
    })
  );
  assert.match(older, /data-apart="true"[^]*data-tone="bad">on training data</);
});

test('rows of another metric are listed apart, never starred or compared', () => {
  const html = render(exampleState());
  const others = elements(html, 'nbalign-other-evaluation');
  assert.equal(others.length, 1);
  assert.match(html, /Scored with another metric/);
  const text = others[0].replace(/<[^>]*>/g, '');
  assert.equal(text, 'logreg v1 \u00b7 ROC AUC \u00b7 v1 \u00b7 0.800');
  assert.doesNotMatch(others[0], /data-best|data-tone|\u2605/);
  assert.ok(
    html.indexOf('nbalign-other-evaluation') > html.lastIndexOf('data-testid="nbalign-evaluation"'),
    'below the list'
  );
  const none = render(editedState(s => (s.rows = s.rows.filter(r => r.verdict !== 'other_metric'))));
  assert.equal(count(none, 'Scored with another metric'), 0);
});

test("the change column says what it holds: the change against the best before each row", () => {
  const head = /<div class="jp-nbalign-list-head">[^]*?<\/div>/.exec(render(exampleState()))![0];
  assert.match(head, /title="Each model&#x27;s change against the best candidate before it \(the baseline model counts\)">vs best before</);
});

test('rows the kernel did not ship are counted in a muted line', () => {
  assert.equal(count(render(exampleState()), 'nbalign-rows-omitted'), 0);
  const html = render(editedState(s => (s.rows_total = 10)));
  assert.match(
    html,
    /data-testid="nbalign-rows-omitted">6 earlier evaluations not shown \(<code>%nbalign plot<\/code> shows all\)</
  );
  const one = render(editedState(s => (s.rows_total = 5)));
  assert.match(one, />1 earlier evaluation not shown \(/);
});

test('the baseline row is marked and has no change against the best', () => {
  const html = render(
    editedState(s => {
      Object.assign(s.rows[1], {
        name: 'constant baseline',
        role: 'baseline',
        verdict: 'baseline',
        word: 'baseline',
        tone: 'neutral',
        change_vs_best: null
      });
    })
  );
  assert.match(html, /data-role="baseline"[^]*constant baseline<\/span><span class="jp-nbalign-word"[^>]*>baseline</);
  assert.match(html, /data-tone="neutral" data-verdict="baseline" title="baseline"><\/span>/);
  assert.equal(count(html, 'data-role="baseline"'), 1);
  assert.equal(count(html, 'data-role="model"'), 2);
});

test('no row of the objective metric yet says how to evaluate one', () => {
  const html = render(
    editedState(s => {
      s.rows = s.rows.filter(r => r.verdict === 'other_metric');
      s.summary.best = null;
      s.summary.progress = null;
      s.summary.n_models = 0;
    })
  );
  assert.match(html, /No model evaluated yet: <code>%evaluate model<\/code>/);
  assert.match(html, /no evaluation yet/);
  assert.match(html, /data-tone="none" data-testid="nbalign-progress-percent"[^>]*>\u2014</);
  assert.equal(elements(html, 'nbalign-other-evaluation').length, 1);
});

test('a state that is not live says so and how to make it live', () => {
  const state = { ...exampleState(), live: false };
  const html = render(state);
  assert.match(html, /data-testid="nbalign-dashboard" data-live="false"/);
  assert.match(html, /data-testid="nbalign-saved-note"/);
  assert.match(html, /not live: run <code>%load_ext nbalign<\/code>/);
  assert.match(html, /data-testid="nbalign-status" data-live="false"[^>]*>saved</);
});

test('progress below the baseline is marked below', () => {
  const html = render(editedState(s => (s.summary.progress = -0.12)));
  assert.match(html, /data-tone="below" data-testid="nbalign-progress-percent"[^>]*>\u221212%</);
  assert.match(html, /aria-valuenow="0"/);
});

test('no standing renders nothing (the panel shows an empty state instead)', () => {
  assert.equal(render({ ...exampleState(), standing: null }), '');
});

test('each empty state has its own words', () => {
  const notLoaded = renderToStaticMarkup(<EmptyState kind="not-loaded" />);
  assert.match(notLoaded, /%load_ext nbalign/);
  assert.match(notLoaded, /%%objective &lt;name&gt;/);
  const noObjective = renderToStaticMarkup(<EmptyState kind="no-objective" />);
  assert.match(noObjective, /no objective is declared/);
  assert.match(noObjective, /%%objective churn/);
  const noNotebook = renderToStaticMarkup(<EmptyState kind="no-notebook" />);
  assert.match(noNotebook, /Open a notebook/);
});

function detailOf(row: string): string {
  return textOf(elements(row, 'nbalign-evaluation-detail', 'div')[0] ?? '');
}

test('a row opens on its tests: the verdict with its interval, p-value, method, and the baseline', () => {
  const rows = elements(render(exampleState()), 'nbalign-evaluation');
  // A disclosure whose summary is the row's line: keyboard and pointer open it alike.
  assert.match(rows[1], /<details class="jp-nbalign-evaluation-details"><summary class="jp-nbalign-evaluation-line">/);
  const method = 'paired bootstrap of average precision, percentile, 1000 resamples';
  assert.match(
    detailOf(rows[1]),
    new RegExp(
      '^not distinguishable: \u22120\\.005 \\(95% CI \u22120\\.021 to \\+0\\.011\\) against the best before it \\(logreg, 0\\.520\\)' +
        `p = 0\\.540, ${method}, 1,409 rows` +
        'against the baseline: \\+0\\.245 \\(95% CI \\+0\\.199 to \\+0\\.290\\)' +
        `p = 0\\.001, ${method}, 1,409 rows` +
        'No real gain NBA302<img src=x onerror=alert\\(1\\)> scores 0\\.515, not distinguishable from the best before it \\(logreg, 0\\.520\\): \u22120\\.005 \\(95% CI \u22120\\.021 to \\+0\\.011\\)\\.' +
        'Projected KPI 6%' +
        'sklearn\\.tree\\.DecisionTreeClassifier$'
    )
  );
  assert.match(rows[1], /<span class="jp-nbalign-verdict" data-tone="neutral">not distinguishable<\/span>/);
  assert.match(rows[2], /<span class="jp-nbalign-verdict" data-tone="good">better<\/span>: \+0\.090 \(95% CI \+0\.062 to \+0\.118\)/);
  // Nothing before it: no test to show, the baseline still.
  assert.match(detailOf(rows[0]), /^better: nothing before it to compare withagainst the baseline: \+0\.250 \(95% CI/);
});

test('each tested row has an interval bar, all on one scale with zero in the middle', () => {
  const html = render(exampleState());
  const bars = elements(html, 'nbalign-interval-bar', 'span');
  assert.equal(bars.length, 2, 'the two rows with vs_best');
  // The widest end, +0.118, sets the scale: it sits at the right edge, zero at 50%.
  assert.match(bars[1], /class="jp-nbalign-ci-range" style="left:76\.27%;width:23\.73%"/);
  assert.match(bars[1], /class="jp-nbalign-ci-point" style="left:88\.14%"/);
  assert.match(bars[0], /style="left:41\.1%;width:13\.56%"/);
  assert.match(bars[0], /aria-hidden="true"/, 'its words are in the title and the detail');
  // The bar sits in the change cell, after the change, in the row's tone.
  assert.match(html, /data-tone="good" data-verdict="new_best" title="better: \+0\.090[^"]*">\+0\.090<span class="jp-nbalign-ci"/);
  const untested = render(editedState(s => s.rows.forEach(row => (row.vs_best = null))));
  assert.equal(elements(untested, 'nbalign-interval-bar', 'span').length, 0);
});

test('a gain smaller than min_gain has its own word', () => {
  const html = render(
    editedState(s => {
      Object.assign(s.rows[2], {
        verdict: 'small_gain',
        word: 'better, not shown by min_gain',
        tone: 'neutral',
        change_vs_best: 0.004
      });
      s.rows[2].vs_best = { ...s.rows[2].vs_best!, estimate: 0.004, low: 0.001, high: 0.007, p_value: 0.01 };
    })
  );
  assert.match(
    html,
    /data-tone="neutral" data-verdict="small_gain" title="better, not shown by min_gain: \+0\.004 \(95% CI \+0\.001 to \+0\.007\) against the best before it \(logreg, 0\.520\)">\+0\.004</
  );
});

test('the level of the intervals is the standing\'s confidence', () => {
  const html = render(
    editedState(s => {
      s.summary.confidence = 0.9;
      // the kernel writes its own sentences and labels at its level too
      s.summary.business!.kpi!.text = s.summary.business!.kpi!.text.replace('95%', '90%');
      s.summary.story = s.summary.story!.replace('95%', '90%');
      s.summary.progress_interval_label = '90% CI, widened for the 3 models compared';
      s.rows[2].findings![0].message = s.rows[2].findings![0].message.replace('95%', '90%');
    })
  );
  assert.match(html, /title="better: \+0\.090 \(90% CI \+0\.062 to \+0\.118\)/);
  assert.match(html, /data-testid="nbalign-progress-interval"><span class="jp-nbalign-percent-interval-label">90% CI, widened for the 3 models compared <\/span><span class="jp-nbalign-percent-interval-ends">88% to 117%</);
  assert.match(html, /Bonferroni-adjusted 90% CI/);
  assert.match(html, /data-testid="nbalign-kpi-progress-interval"><span class="jp-nbalign-percent-interval-label">90% CI <\/span><span class="jp-nbalign-percent-interval-ends">88% to 118%</);
  assert.match(html, />projected with gbm \u00b7 90% CI 4\.3% to 5\.5%</);
  assert.equal(count(html, '95% CI'), 0);
});

test('the summary: progress with its interval, the claim against the baseline, the models compared', () => {
  const html = render(exampleState());
  // The interval is the best's claim over the baseline, widened for the models it was chosen
  // from: the kernel's label says so, as its panel and the inline lines do.
  const interval = '95% CI, widened for the 3 models compared 88% to 117%';
  assert.match(html, new RegExp(`data-testid="nbalign-progress-percent" title="103% \\(${interval}\\)">103%<`));
  assert.equal(textOf(elements(html, 'nbalign-progress-interval', 'span')[0]), interval);
  // the ends stay together on a line
  assert.match(html, /compared <\/span><span class="jp-nbalign-percent-interval-ends">88% to 117%<\/span>/);
  assert.match(html, new RegExp(`aria-valuetext="103% \\(${interval}\\) of the way from baseline to target"`));
  // A standing saved before the label: the plain level.
  const older = render(editedState(s => delete s.summary.progress_interval_label));
  assert.equal(textOf(elements(older, 'nbalign-progress-interval', 'span')[0]), '95% CI 88% to 117%');
  // The whisker under the bar: from 88% to the bar's end, open there (it runs on to 117%).
  assert.match(html, /data-open-low="false" data-open-high="true" style="left:88\.18%;width:11\.82%"/);
  const claim = elements(html, 'nbalign-claim', 'div');
  assert.equal(claim.length, 1);
  assert.equal(
    textOf(claim[0].replace(/<\/div>/g, '\n')).trim(),
    [
      "better than the baseline after Holm's correction over 3 models",
      '+0.340 (Bonferroni-adjusted 95% CI +0.291 to +0.386)',
      'adjusted p = 0.003, paired bootstrap of average precision, percentile, 1000 resamples, 1,409 rows'
    ].join('\n')
  );
  assert.match(claim[0], /class="jp-nbalign-claim-text" data-tone="good"/);
  assert.match(html, /data-testid="nbalign-models-compared">3 models compared on this test set</);
  assert.ok(html.indexOf('nbalign-claim') > html.indexOf('data-testid="nbalign-best"'), 'under the best');
});

test('a claim the kernel calls not distinguishable reads so, whatever the raw p-value', () => {
  const html = render(
    editedState(s => {
      Object.assign(s.summary.best_vs_baseline!, {
        p_value: 0.02,
        p_adjusted: 0.06,
        models_compared: 6,
        verdict: 'not_distinguishable'
      });
      s.summary.models_compared = 6;
    })
  );
  assert.match(
    html,
    /data-tone="neutral">not distinguishable from the baseline after Holm&#x27;s correction over 6 models</
  );
  assert.match(html, />6 models compared on this test set</);
});

test('a standing saved before the paired tests renders as before: no interval, claim or bar', () => {
  const saved = fromSaved(readProtocol('saved/format1.json'));
  assert.ok(saved);
  const model = new AlignModel();
  model.applySaved(saved);
  const html = render(model.state);
  for (const testid of ['nbalign-progress-interval', 'nbalign-claim', 'nbalign-models-compared', 'nbalign-interval-bar']) {
    assert.equal(count(html, `data-testid="${testid}"`), 0, testid);
  }
  assert.equal(count(html, 'jp-nbalign-progress-ci'), 0);
  assert.equal(count(html, 'CI'), 0);
  assert.match(html, /data-tone="reached" data-testid="nbalign-progress-percent" title="103%">103%</);
  assert.match(html, /title="not distinguishable: \u22120\.005 against the best before it, 0\.520">\u22120\.005</);
  assert.match(html, /title="better: \+0\.090 against the best before it, 0\.520">\+0\.090</);
  assert.equal(elements(html, 'nbalign-evaluation').length, 3);
  // The change against the baseline it had shows untested, and nothing of a test.
  assert.match(html, /data-testid="nbalign-vs-baseline">against the baseline: \+0\.340<\/div>/);
  assert.equal(count(html, 'jp-nbalign-test'), 0);
});

test('the new fields as null render like absent ones', () => {
  const html = render(
    editedState(s => {
      Object.assign(s.summary, {
        confidence: null,
        best_vs_baseline: null,
        progress_interval: null,
        progress_interval_label: null,
        models_compared: null,
        business: null,
        ship: null,
        story: null
      });
      s.rows.forEach(row => {
        Object.assign(row, { vs_best: null, vs_baseline: null, interval: null, best_so_far: null });
        delete row.findings; // not nullable: absent, and each check's explanation shows instead
      });
    })
  );
  assert.equal(count(html, 'CI'), 0);
  assert.equal(count(html, 'nbalign-chart-interval'), 0);
  assert.equal(count(html, 'nbalign-claim'), 0);
  assert.equal(count(html, 'nbalign-ship'), 0);
  assert.equal(count(html, 'nbalign-story'), 0);
  assert.equal(count(html, 'nbalign-chart-best"'), 0, 'no best so far to draw');
  // The untested change against the baseline still shows in the detail.
  assert.match(html, /data-testid="nbalign-vs-baseline">against the baseline: \+0\.340</);
});

test('text from the kernel and the user stays text in the new parts too', () => {
  const html = render(
    editedState(s => {
      s.rows[2].vs_best!.method = '<script>alert(1)</script>';
      s.summary.best_vs_baseline!.correction = '<b>Holm</b>';
      s.rows[2].estimator = '<img src=y>';
    })
  );
  assert.equal(count(html, '<script'), 0);
  assert.equal(count(html, '<b>'), 0);
  assert.equal(count(html, '<img'), 0);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;, 1,409 rows/);
  assert.match(html, /after &lt;b&gt;Holm&lt;\/b&gt;&#x27;s correction/);
});

test('the objective\'s findings show under the objective, each with its code, message and why', () => {
  const html = render(
    editedState(s => {
      s.findings = [
        {
          code: 'NBA105',
          level: 'warning',
          title: 'Accuracy on imbalanced classes',
          message: "94.8% of the test labels are 'good': <b>a constant model</b> scores 0.948 accuracy",
          explanation: 'The metric counts every row alike.'
        }
      ];
    })
  );
  assert.equal(count(html, 'data-testid="nbalign-objective-finding"'), 1);
  assert.match(html, /NBA105<\/span><span class="jp-nbalign-banner-title">Accuracy on imbalanced classes/);
  assert.match(html, /&lt;b&gt;a constant model&lt;\/b&gt;/);
  assert.ok(
    html.indexOf('nbalign-objective-finding') < html.indexOf('data-testid="nbalign-metric"'),
    'above the progress'
  );
  // a standing without findings (older kernels) has none
  assert.equal(count(render(editedState(s => delete s.findings)), 'nbalign-objective-finding'), 0);
});

test('the KPI reads as the kernel\'s statement of intent when it sends one, as text', () => {
  const statement =
    'Cut the share of customers who cancel from 26.5% to 22% by 2027-06-30 (7 months left); accountable: <i>VP</i>.';
  const html = render(editedState(s => (s.kpi_statement = statement)));
  assert.equal(count(html, 'data-testid="nbalign-kpi-statement"'), 1);
  assert.match(html, /\(7 months left\); accountable: &lt;i&gt;VP&lt;\/i&gt;\./);
  assert.equal(count(html, 'jp-nbalign-kpi-owner'), 0, 'the owner is in the statement');
  const older = render(editedState(s => delete s.kpi_statement));
  assert.equal(count(older, 'nbalign-kpi-statement'), 0);
  assert.equal(count(older, 'jp-nbalign-kpi-owner'), 1);
});

// The business figures (issue 9): the KPI's progress, the expected value, the target's derivation.

const BUSINESS_TESTIDS = [
  'nbalign-kpi-progress',
  'nbalign-kpi-projected',
  'nbalign-business-value',
  'nbalign-target-derivation',
  'nbalign-row-business'
];

test('the KPI\'s progress shows under the metric\'s, on the same meter', () => {
  const html = render(exampleState());
  const blocks = elements(html, 'nbalign-kpi-progress', 'div');
  assert.equal(blocks.length, 1);
  const block = blocks[0];
  assert.match(block, /<span class="jp-nbalign-label">KPI<\/span> 3-month churn rate of new customers</);
  // The metric's meter: its percent (true, never clamped) with the interval, bar and whisker.
  assert.match(
    block,
    /<span class="jp-nbalign-percent" data-tone="reached" data-testid="nbalign-kpi-progress-percent" title="103% \(95% CI 88% to 118%\)">103%</
  );
  assert.equal(textOf(elements(block, 'nbalign-kpi-progress-interval', 'span')[0]), '95% CI 88% to 118%');
  assert.match(
    block,
    /<div class="jp-nbalign-progress" data-testid="nbalign-kpi-progress-bar" data-tone="reached" role="progressbar" aria-label="KPI progress from its current value to its target"[^>]*aria-valuenow="100"/
  );
  assert.match(block, /class="jp-nbalign-progress-fill" style="width:100%"/);
  assert.match(block, /class="jp-nbalign-progress-ci-range" data-open-low="false" data-open-high="true" style="left:87\.5%;width:12\.5%"/);
  // Built from the fields: the move beside the percent, the projected value marked, the target
  // under it, the model and the projection's interval under the bar; the kernel's sentence as title.
  assert.match(
    block,
    /<span class="jp-nbalign-kpi-move" title="9% \u2192 4\.9% projected with gbm \(95% CI 4\.3% to 5\.5%\); target 5%">9% \u2192 <span class="jp-nbalign-kpi-projected" data-testid="nbalign-kpi-projected">4\.9%<\/span><\/span><span class="jp-nbalign-direction">target 5%<\/span>/
  );
  assert.match(block, /<div class="jp-nbalign-muted jp-nbalign-kpi-note">projected with gbm \u00b7 95% CI 4\.3% to 5\.5%<\/div>/);
  assert.equal(
    textOf(block.replace(/<\/(div|span)>(?=<(div|span))/g, '$&\n')).replace(/ ?\n+/g, ' | '),
    'KPI 3-month churn rate of new customers | 9% \u2192 4.9% | target 5% | 103% | 95% CI | 88% to 118% | projected with gbm \u00b7 95% CI 4.3% to 5.5%'
  );
  // The metric keeps its own test ids: each is on one element only.
  for (const testid of ['nbalign-progress', 'nbalign-progress-percent', 'nbalign-progress-interval']) {
    assert.equal(count(html, `data-testid="${testid}"`), 1, testid);
  }
  assert.equal(count(html, 'role="progressbar"'), 2);
});

test('the business figures sit in the summary: derivation by the target, then the KPI, the value, the best', () => {
  const html = render(exampleState());
  assert.match(
    html,
    /<div class="jp-nbalign-muted jp-nbalign-derivation" data-testid="nbalign-target-derivation">average precision must reach 0\.6 for the 3-month churn rate of new customers to fall from 9% to 5% \(contact the top 20%, effect 30%\)<\/div>/
  );
  const value = elements(html, 'nbalign-business-value', 'div');
  assert.equal(value.length, 1);
  assert.equal(textOf(value[0]), 'value gbm: $149k per quarter ($12.40 per case), contacting the top 20%');
  assert.match(value[0], /title="assuming: contact the top 20% \(2,400 customers per quarter\)"/);
  const at = (needle: string): number => {
    const index = html.indexOf(needle);
    assert.ok(index >= 0, needle);
    return index;
  };
  const order = [
    'data-testid="nbalign-progress"',
    'jp-nbalign-ends',
    'data-testid="nbalign-target-derivation"',
    'data-testid="nbalign-kpi-progress"',
    'data-testid="nbalign-business-value"',
    'data-testid="nbalign-best"'
  ].map(at);
  assert.deepEqual(order, [...order].sort((a, b) => a - b), 'in this order');
  assert.ok(at('data-testid="nbalign-kpi-progress"') < at('data-testid="nbalign-evaluations"'));
});

test('the KPI meter has the metric\'s states: on its way, below, none', () => {
  const withKpi = (kpi: Record<string, unknown>): string =>
    render(editedState(s => Object.assign(s.summary.business!.kpi!, kpi)));
  const onWay = withKpi({ progress: 0.53, progress_interval: [0.36, 0.69] });
  assert.match(onWay, /data-tone="on-way" data-testid="nbalign-kpi-progress-percent" title="53% \(95% CI 36% to 69%\)">53%</);
  assert.match(onWay, /data-testid="nbalign-kpi-progress-bar" data-tone="on-way"[^>]*aria-valuenow="53"/);
  assert.match(onWay, /data-open-low="false" data-open-high="false" style="left:36%;width:33%"/);
  const below = withKpi({ progress: -0.2, progress_interval: [-0.5, 0.1] });
  assert.match(below, /data-tone="below" data-testid="nbalign-kpi-progress-percent"[^>]*>\u221220%</);
  assert.match(below, /data-testid="nbalign-kpi-progress-bar" data-tone="below"[^>]*aria-valuenow="0"/);
  assert.match(below, /data-open-low="true" data-open-high="false" style="left:0%;width:10%"/);
  const none = withKpi({ progress: null, progress_interval: null, projected_interval: null });
  assert.match(none, /data-tone="none" data-testid="nbalign-kpi-progress-percent" title="\u2014">\u2014</);
  assert.equal(count(none, 'nbalign-kpi-progress-interval'), 0);
  assert.match(none, /class="jp-nbalign-muted jp-nbalign-kpi-note">projected with gbm<\/div>/);
  assert.equal(count(none, 'class="jp-nbalign-progress-ci"'), 1, 'the metric\'s whisker only');
  assert.match(none, /data-testid="nbalign-kpi-projected">4\.9%</, 'the projection still reads');
});

test('an effect stated as a range shows the projection over it beside the recall\'s interval', () => {
  const html = render(
    editedState(s =>
      Object.assign(s.summary.business!.kpi!, { projected_range: ['3.9%', '6.1%'], effect_range: '20% to 40%' })
    )
  );
  assert.match(
    html,
    /class="jp-nbalign-muted jp-nbalign-kpi-note">projected with gbm \u00b7 95% CI 4\.3% to 5\.5% for the recall \u00b7 3\.9% to 6\.1% with the effect 20% to 40%<\/div>/
  );
  const noRecall = render(
    editedState(s =>
      Object.assign(s.summary.business!.kpi!, {
        projected_interval: null,
        projected_range: ['3.9%', '6.1%'],
        effect_range: '20% to 40%'
      })
    )
  );
  assert.match(noRecall, /jp-nbalign-kpi-note">projected with gbm \u00b7 3\.9% to 6\.1% with the effect 20% to 40%<\/div>/);
});

test('business absent (older standings) or null renders as before', () => {
  const strip = (value: 'absent' | null) =>
    editedState(s => {
      value === 'absent' ? delete s.summary.business : (s.summary.business = null);
      s.rows.forEach(row => (value === 'absent' ? delete row.business : (row.business = null)));
    });
  const absent = render(strip('absent'));
  assert.equal(render(strip(null)), absent);
  for (const testid of BUSINESS_TESTIDS) {
    assert.equal(count(absent, `data-testid="${testid}"`), 0, testid);
  }
  assert.equal(count(absent, 'jp-nbalign-business'), 0);
  assert.equal(count(absent, 'role="progressbar"'), 1);
  // And a standing saved before issue 9 too.
  const saved = fromSaved(readProtocol('saved/format1.json'));
  const model = new AlignModel();
  model.applySaved(saved!);
  const older = render(model.state);
  for (const testid of BUSINESS_TESTIDS) {
    assert.equal(count(older, `data-testid="${testid}"`), 0, testid);
  }
});

test('each business part shows alone when the others are null', () => {
  const only = (edit: (b: NonNullable<IStanding['summary']['business']>) => void): string =>
    render(editedState(s => edit(s.summary.business!)));
  const noKpi = only(b => (b.kpi = null));
  assert.equal(count(noKpi, 'data-testid="nbalign-kpi-progress"'), 0);
  assert.equal(count(noKpi, 'data-testid="nbalign-business-value"'), 1);
  assert.equal(count(noKpi, 'data-testid="nbalign-target-derivation"'), 1);
  const noValue = only(b => (b.value = null));
  assert.equal(count(noValue, 'data-testid="nbalign-kpi-progress"'), 1);
  assert.equal(count(noValue, 'data-testid="nbalign-business-value"'), 0);
  const noDerivation = only(b => (b.derivation = null));
  assert.equal(count(noDerivation, 'data-testid="nbalign-target-derivation"'), 0);
  assert.equal(count(noDerivation, 'data-testid="nbalign-kpi-progress"'), 1);
  const nothing = only(b => Object.assign(b, { kpi: null, value: null, derivation: null }));
  assert.equal(count(nothing, 'jp-nbalign-business'), 0, 'no empty block');
  assert.equal(count(nothing, 'nbalign-target-derivation'), 0);
  // No value per period and no rule: the kernel's sentence still reads, without a tooltip.
  const perCase = only(b =>
    Object.assign(b.value!, { per_period: null, rule: null, text: 'gbm: $12.40 per case' })
  );
  const value = elements(perCase, 'nbalign-business-value', 'div')[0];
  assert.equal(textOf(value), 'value gbm: $12.40 per case');
  assert.doesNotMatch(value, /title=/);
});

test('a row opens on its business figures when the kernel projected them', () => {
  const html = render(exampleState());
  const rows = elements(html, 'nbalign-evaluation');
  const business = rows.map(row => elements(row, 'nbalign-row-business', 'div').map(textOf));
  assert.deepEqual(business, [
    ['Projected KPI 6%Value $98k per quarter'],
    ['Projected KPI 6%'],
    ['Projected KPI 4.9%Value $149k per quarter']
  ]);
  assert.match(
    rows[2],
    /<span class="jp-nbalign-row-figure"><span class="jp-nbalign-row-figure-name">Projected KPI<\/span> 4\.9%<\/span><span class="jp-nbalign-row-figure"><span class="jp-nbalign-row-figure-name">Value<\/span> \$149k per quarter<\/span>/
  );
  // Inside the detail, after the checks, before the estimator; nothing to project: nothing shown.
  assert.match(detailOf(rows[2]), /measure the KPI\.Projected KPI 4\.9%Value \$149k per quartersklearn\.ensemble/);
  const empty = render(editedState(s => (s.rows[3].business = { projected_kpi: null, value: null })));
  assert.equal(count(empty, 'data-testid="nbalign-row-business"'), 2);
  const valueOnly = render(editedState(s => (s.rows[3].business = { projected_kpi: null, value: '$149k per quarter' })));
  assert.equal(textOf(elements(elements(valueOnly, 'nbalign-evaluation')[2], 'nbalign-row-business', 'div')[0]), 'Value $149k per quarter');
});

test('business text from the kernel stays text', () => {
  const html = render(
    editedState(s => {
      const business = s.summary.business!;
      business.kpi!.name = '<img src=x onerror=alert(1)>';
      business.kpi!.projected = '<b>24.1%</b>';
      business.kpi!.model = '<script>alert(2)</script>';
      business.kpi!.text = '"><img src=y onerror=alert(3)>';
      business.value!.text = '<img src=z onerror=alert(4)> per quarter';
      business.value!.rule = '"><script>alert(5)</script>';
      business.derivation = '<a href="javascript:alert(6)">derived</a>';
      s.rows[3].business = { projected_kpi: '<i>4.9%</i>', value: '<u>$149k</u>' };
    })
  );
  for (const tag of ['<img', '<b>', '<script', '<a ', '<i>', '<u>']) {
    assert.equal(count(html, tag), 0, tag);
  }
  assert.match(html, /<span class="jp-nbalign-label">KPI<\/span> &lt;img src=x onerror=alert\(1\)&gt;</);
  assert.match(html, /data-testid="nbalign-kpi-projected">&lt;b&gt;24\.1%&lt;\/b&gt;</);
  assert.match(html, />projected with &lt;script&gt;alert\(2\)&lt;\/script&gt; \u00b7 95% CI/);
  assert.match(html, /title="&quot;&gt;&lt;img src=y onerror=alert\(3\)&gt;"/);
  assert.match(html, /&lt;img src=z onerror=alert\(4\)&gt; per quarter/);
  assert.match(html, /title="assuming: &quot;&gt;&lt;script&gt;alert\(5\)&lt;\/script&gt;"/);
  assert.match(html, />&lt;a href=&quot;javascript:alert\(6\)&quot;&gt;derived&lt;\/a&gt;</);
  assert.match(html, /Projected KPI<\/span> &lt;i&gt;4\.9%&lt;\/i&gt;/);
});

test('the chart sits under the summary, above the evaluations', () => {
  const html = render(exampleState());
  const metric = html.indexOf('data-testid="nbalign-metric"');
  const chart = html.indexOf('data-testid="nbalign-chart"');
  const list = html.indexOf('data-testid="nbalign-evaluations"');
  assert.ok(metric >= 0 && chart > metric && list > chart, 'summary, chart, list');
  assert.equal(count(html, 'data-testid="nbalign-chart-point"'), 3);
});

test("a row's detail offers to go to its cell when the kernel knows it and the panel can", () => {
  const withCells = renderToStaticMarkup(<Dashboard state={exampleState()} onGoToCell={() => true} />);
  const rows = elements(withCells, 'nbalign-evaluation', 'li');
  assert.deepEqual(
    rows.map(row => count(row, 'data-testid="nbalign-row-goto"')),
    [1, 0, 1],
    'logreg and gbm have a cell id; the tree has none'
  );
  assert.match(
    rows[2],
    /<button type="button" class="jp-nbalign-goto" data-testid="nbalign-row-goto" data-missing="false" title="Scroll the notebook to the cell that evaluated gbm">go to cell<\/button>/
  );
  // inside the detail, so a click on the row still opens it
  assert.match(rows[0], /data-testid="nbalign-evaluation-detail"[^]*nbalign-row-goto/);
  // without a way to reach the notebook (or from a standing saved before cell ids): no button
  assert.equal(count(render(exampleState()), 'nbalign-row-goto'), 0);
  const old = editedState(s => s.rows.forEach(row => delete row.cell_id));
  assert.equal(count(renderToStaticMarkup(<Dashboard state={old} onGoToCell={() => true} />), 'nbalign-row-goto'), 0);
});

function decisionState(edit: (standing: IStanding) => void = () => undefined): IAlignState {
  const model = new AlignModel();
  model.applyStanding(standingPayload('standing_decision.json'));
  const standing = structuredClone(model.state.standing!);
  edit(standing);
  return { ...model.state, standing };
}

test('a decision shows under the story: the model shipped, its projection, each KPI realized and its checks', () => {
  const html = render(decisionState());
  const decision = elements(html, 'nbalign-decision', 'div');
  assert.equal(decision.length, 1);
  assert.equal(
    textOf(elements(html, 'nbalign-shipped-head', 'div')[0]),
    `Shipped gbm \u00b7 v2 \u00b7 ${formatDate('2026-11-29T09:30:00+00:00')} by ana`
  );
  assert.equal(
    textOf(elements(html, 'nbalign-shipped-projection', 'div')[0]),
    '9% \u2192 4.9% projected with gbm (95% CI 4.3% to 5.5%); target 5%'
  );
  const realized = elements(html, 'nbalign-realized');
  assert.equal(realized.length, 2);
  assert.deepEqual(
    realized.map(item => textOf(elements(item, 'nbalign-realized-line', 'div')[0])),
    [`Realized 4.8% on ${formatDate('2027-01-31')}`, `Realized 7.1% on ${formatDate('2027-04-30')}`]
  );
  // The first is as projected: no check applied. The second is outside the projection and short of
  // the target: each check a banner (code, the title from checks, the kernel's message, why folded).
  assert.equal(count(realized[0], 'nbalign-realized-finding'), 0);
  const findings = elements(realized[1], 'nbalign-realized-finding', 'section');
  assert.equal(findings.length, 2);
  assert.match(findings[0], /data-level="warning"/);
  assert.match(findings[0], /NBA401<\/span><span class="jp-nbalign-banner-title">Realized KPI outside the projection</);
  assert.match(textOf(findings[0]), /measured 7\.1% on 2027-04-30, worse than the 4\.9% projected for gbm \(4\.3% to 5\.5%\)/);
  assert.match(
    findings[0],
    /<details[^>]*data-testid="nbalign-banner-why"><summary>why<\/summary>[^]*lies outside what was projected/
  );
  assert.match(findings[1], /NBA402<\/span><span class="jp-nbalign-banner-title">Realized KPI short of its target</);
  // The recommended model, shipped under this version, agreed and still holding: nothing more to say.
  for (const quiet of ['nbalign-shipped-not-recommended', 'nbalign-shipped-earlier', 'nbalign-agreement-changed']) {
    assert.equal(count(html, quiet), 0, quiet);
  }
  // Under the story, above the progress, in the summary.
  const order = [
    'data-testid="nbalign-story"',
    'data-testid="nbalign-decision"',
    'data-testid="nbalign-progress"',
    'data-testid="nbalign-best"'
  ].map(needle => html.indexOf(needle));
  assert.ok(order.every(at => at >= 0), order.join(' '));
  assert.deepEqual(order, [...order].sort((a, b) => a - b), 'in this order');
});

test('a model shipped against the judge, under an earlier version, after the agreement changed: said, as text', () => {
  const html = render(
    decisionState(s => {
      const decision = s.decision!;
      Object.assign(decision.shipped!, {
        name: 'tree <img src=x onerror=alert(1)>',
        by: '<b>bob</b>',
        recommended: false,
        reason: 'the <b>simpler</b> model, cheaper to run',
        current: false
      });
      decision.agreements = [
        { role: 'VP <i>Growth</i>', by: 'ana', at: '2026-11-28T10:02:00+00:00', version: 1, holds: false },
        { role: 'CFO', by: 'cy', at: '2026-11-28T11:00:00+00:00', version: 2, holds: false }
      ];
      decision.realized[1].findings.push({ code: 'NBA499', message: 'a check this standing does not explain' });
    })
  );
  assert.equal(
    textOf(elements(html, 'nbalign-shipped-head', 'div')[0]),
    `Shipped tree <img src=x onerror=alert(1)> \u00b7 v2 \u00b7 ${formatDate('2026-11-29T09:30:00+00:00')} by <b>bob</b>`
  );
  assert.equal(
    textOf(elements(html, 'nbalign-shipped-not-recommended', 'div')[0]),
    'not the recommended model: the <b>simpler</b> model, cheaper to run'
  );
  assert.equal(
    textOf(elements(html, 'nbalign-shipped-earlier', 'div')[0]),
    'shipped under an earlier version of the objective'
  );
  assert.equal(
    textOf(elements(html, 'nbalign-agreement-changed', 'div')[0]),
    'The objective changed after it was agreed (VP <i>Growth</i>, v1; CFO, v2)'
  );
  assert.equal(count(html, '<img'), 0);
  assert.equal(count(html, '<b>'), 0);
  assert.equal(count(html, '<i>'), 0);
  // A code the standing does not explain still shows, with its message, and no empty title or why.
  const unexplained = elements(html, 'nbalign-realized-finding', 'section').filter(f => f.includes('NBA499'));
  assert.equal(unexplained.length, 1);
  assert.match(unexplained[0], /data-level="info"/);
  assert.equal(count(unexplained[0], 'jp-nbalign-banner-title'), 0);
  assert.equal(count(unexplained[0], '<details'), 0);
  assert.match(unexplained[0], /a check this standing does not explain/);
});

test('agreements alone: a warning while one does not hold, nothing once all do', () => {
  const changed = render(
    decisionState(s => {
      s.decision = {
        agreements: [{ role: 'VP Growth', by: 'ana', at: '2026-11-28T10:02:00+00:00', version: 2, holds: false }],
        shipped: null,
        realized: []
      };
    })
  );
  assert.equal(
    textOf(elements(changed, 'nbalign-decision', 'div')[0]),
    'The objective changed after it was agreed (VP Growth, v2)'
  );
  assert.equal(count(changed, 'nbalign-shipped'), 0);
  const holding = render(
    decisionState(s => {
      s.decision!.shipped = null;
      s.decision!.realized = [];
    })
  );
  assert.equal(count(holding, 'nbalign-decision'), 0, 'nothing shipped, the agreement holds: nothing to show');
});

test('a standing without a decision (older kernels) renders as before', () => {
  // standing_decision.json is standing.json with a decision, the checks it names and a later revision.
  const older = render(
    decisionState(s => {
      delete s.decision;
      delete s.checks.NBA401;
      delete s.checks.NBA402;
    })
  );
  assert.equal(count(older, 'nbalign-decision'), 0);
  assert.equal(count(older, 'Shipped'), 0);
  assert.equal(older, render(exampleState()));
});
