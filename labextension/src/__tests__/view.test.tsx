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
import { standingPayload } from './fixtures';

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

function count(html: string, needle: string): number {
  return html.split(needle).length - 1;
}

/** The HTML of each element carrying `data-testid="<testid>"`, up to its closing tag. */
function elements(html: string, testid: string, tag = 'li'): string[] {
  const pattern = new RegExp(`<${tag}[^>]*data-testid="${testid}"[^]*?</${tag}>`, 'g');
  return html.match(pattern) ?? [];
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
  assert.equal(count(html, 'data-best="true"'), 1);
  assert.match(rows[2], /data-best="true"[^]*\u2605[^]*gbm[^]*0\.610[^]*\+0\.090/);
  assert.match(html, /<span class="jp-nbalign-count"[^>]*>3</, 'summary.n_models models');
});

test('the change cell shows the kernel verdict: its tone, and its word in the tooltip', () => {
  const html = render(exampleState());
  assert.match(
    html,
    /data-tone="neutral" data-verdict="no_gain" title="no real gain: \u22120\.005 against the best before it, 0\.520">\u22120\.005</
  );
  assert.match(
    html,
    /data-tone="good" data-verdict="new_best" title="new best: \+0\.090 against the best before it, 0\.520">\+0\.090</
  );
  assert.match(html, /data-verdict="new_best" title="new best: nothing before it to compare with">\u2014</);
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
    editedState(s => {
      s.rows[2].verdict = 'worse';
      s.rows[2].tone = 'bad';
    })
  );
  assert.match(worse, /data-tone="bad" data-verdict="worse" title="worse than the best: \u22120\.005/);
});

test('check codes on rows take their level and meaning from standing.checks', () => {
  const html = render(exampleState());
  const diagnostics = elements(html, 'nbalign-diagnostic', 'span');
  assert.equal(diagnostics.length, 2);
  assert.match(
    diagnostics[0],
    /data-level="info" data-testid="nbalign-diagnostic" title="No real gain: The model does not beat the best so far by at least min_gain\.">NBA302</
  );
  assert.match(diagnostics[1], /data-level="success"[^>]*title="Target reached: [^"]*">NBA305</);
  // A code the standing does not explain still shows, plainly.
  const unexplained = render(editedState(s => (s.rows[1].codes = ['NBA201'])));
  assert.match(unexplained, /data-level="info" data-testid="nbalign-diagnostic" title="NBA201">NBA201</);
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
        tone: 'neutral',
        change_vs_best: null
      });
    })
  );
  assert.match(html, /data-role="baseline"[^]*constant baseline[^]*>baseline</);
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
