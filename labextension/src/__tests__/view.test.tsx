/**
 * The panel's rendering, to static HTML in node: what a state shows, and that user text
 * stays text (the example snapshot names a model "<img src=x onerror=alert(1)>").
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as React from 'react';
import { renderToStaticMarkup } from 'react-dom/server';

import { Dashboard } from '../dashboard';
import { EmptyState } from '../empty';
import { AlignModel } from '../model';
import { IEvaluationMessage, ISnapshotMessage } from '../protocol';
import { readMessage } from './fixtures';

function exampleModel(): AlignModel {
  const model = new AlignModel();
  model.applySnapshot((readMessage('snapshot.json') as ISnapshotMessage).payload);
  model.applyEvaluation((readMessage('evaluation.json') as IEvaluationMessage).payload);
  return model;
}

function count(html: string, needle: string): number {
  return html.split(needle).length - 1;
}

test('user text is escaped, never markup', () => {
  const html = renderToStaticMarkup(<Dashboard state={exampleModel().state} />);
  assert.equal(count(html, '<img'), 0);
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'), 'the name shows literally');
});

test('the example state: progress, best, rows, banner', () => {
  const html = renderToStaticMarkup(<Dashboard state={exampleModel().state} />);
  assert.match(html, /data-testid="nbalign-progress-percent"[^>]*>103%</);
  assert.match(html, /aria-valuenow="100"/);
  assert.equal(count(html, 'data-testid="nbalign-evaluation"'), 3);
  assert.equal(count(html, 'data-best="true"'), 1);
  assert.match(html, /data-best="true"[^]*gbm[^]*0\.610[^]*\+0\.090/);
  assert.match(html, /data-testid="nbalign-banner" data-level="success"/);
  assert.match(html, /9% \u2192 5% by 2027-06-30/);
  assert.match(html, /higher is better/);
  assert.equal(count(html, 'nbalign-saved-note'), 0, 'live: no saved note');
});

test('a state that is not live says so and how to make it live', () => {
  const model = exampleModel();
  model.setLive(false);
  const html = renderToStaticMarkup(<Dashboard state={model.state} />);
  assert.match(html, /data-testid="nbalign-saved-note"/);
  assert.match(html, /not live: run <code>%load_ext nbalign<\/code>/);
  assert.match(html, /data-testid="nbalign-status" data-live="false"[^>]*>saved</);
});

test('lower is better: a drop in score is an improvement', () => {
  const model = exampleModel();
  const state = model.state;
  const objective = {
    ...state.objective!,
    metric: { name: 'rmse', label: 'RMSE', scorer: 'neg_root_mean_squared_error', greater_is_better: false }
  };
  const html = renderToStaticMarkup(<Dashboard state={{ ...state, objective }} />);
  assert.match(html, /lower is better/);
  // gbm's +0.090 is now worse: red
  assert.match(html, /data-tone="bad"[^>]*>\+0\.090</);
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

test('the baseline row is marked and has no change against the best', () => {
  const model = exampleModel();
  const state = model.state;
  const [first, ...rest] = state.evaluations;
  const baseline = { ...first, name: 'constant baseline', role: 'baseline' as const };
  const html = renderToStaticMarkup(<Dashboard state={{ ...state, evaluations: [baseline, ...rest] }} />);
  assert.match(html, /data-role="baseline"[^]*constant baseline[^]*>baseline</);
  assert.equal(count(html, 'data-role="baseline"'), 1);
  assert.equal(count(html, 'data-role="model"'), 2);
});

test('the resolved min_gain from the summary decides what counts as a change', () => {
  const model = exampleModel();
  const state = model.state;
  // logreg -> <img>: -0.005; with min_gain 0.001 it is a real (bad) change, with 0.01 neutral
  const strict = renderToStaticMarkup(
    <Dashboard state={{ ...state, summary: { ...state.summary!, min_gain: 0.001 } }} />
  );
  assert.match(strict, /data-tone="bad"[^>]*>\u22120\.005</);
  const lenient = renderToStaticMarkup(
    <Dashboard state={{ ...state, summary: { ...state.summary!, min_gain: 0.01 } }} />
  );
  assert.doesNotMatch(lenient, /data-tone="bad"[^>]*>\u22120\.005</);
});
