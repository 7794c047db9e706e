import assert from 'node:assert/strict';
import { test } from 'node:test';

import { AlignModel, bestEvaluation, IAlignState } from '../model';
import { IEvaluationMessage, ISnapshotMessage, parseMessage } from '../protocol';
import { readMessage } from './fixtures';

function snapshot(name = 'snapshot.json'): ISnapshotMessage {
  const message = parseMessage(readMessage(name));
  assert.ok(message && message.type === 'snapshot', `${name} is a snapshot`);
  return message;
}

function evaluation(): IEvaluationMessage {
  const message = parseMessage(readMessage('evaluation.json'));
  assert.ok(message && message.type === 'evaluation', 'evaluation.json is an evaluation');
  return message;
}

const FIXED_NOW = new Date('2026-11-28T12:00:00Z');

function newModel(): AlignModel {
  return new AlignModel(() => FIXED_NOW);
}

test('a new model is not loaded', () => {
  const model = newModel();
  assert.equal(model.status, 'not-loaded');
  assert.equal(model.state.live, false);
  assert.equal(model.state.objective, null);
  assert.deepEqual(model.state.evaluations, []);
  assert.equal(model.state.summary, null);
  assert.equal(bestEvaluation(model.state), null);
});

test('snapshot then evaluation: three evaluations in order, new summary, best is gbm', () => {
  const model = newModel();
  model.applySnapshot(snapshot().payload);
  assert.equal(model.status, 'live');
  assert.equal(model.state.evaluations.length, 2);

  const event = evaluation();
  model.applyEvaluation(event.payload);
  const state = model.state;
  assert.deepEqual(
    state.evaluations.map(e => [e.id, e.name]),
    [
      [1, 'logreg'],
      [2, '<img src=x onerror=alert(1)>'],
      [3, 'gbm']
    ]
  );
  assert.deepEqual(state.summary, event.payload.summary);
  assert.equal(state.summary?.n_evaluations, 3);
  assert.equal(state.summary?.best?.name, 'gbm');
  assert.equal(bestEvaluation(state)?.name, 'gbm');
  assert.equal(state.objective?.name, 'churn');
  assert.equal(state.savedAt, FIXED_NOW.toISOString());
});

test('the same evaluation twice is kept once; a new version of it replaces it in place', () => {
  const model = newModel();
  model.applySnapshot(snapshot().payload);
  model.applyEvaluation(evaluation().payload);
  model.applyEvaluation(evaluation().payload);
  assert.equal(model.state.evaluations.length, 3);

  const changed = structuredClone(evaluation().payload);
  changed.evaluation.id = 1;
  changed.evaluation.name = 'logreg';
  changed.evaluation.score = 0.53;
  model.applyEvaluation(changed);
  assert.deepEqual(
    model.state.evaluations.map(e => [e.id, e.score]),
    [
      [1, 0.53],
      [2, 0.515],
      [3, 0.61]
    ]
  );
});

test('an empty snapshot resets to loaded without objective', () => {
  const model = newModel();
  model.applySnapshot(snapshot().payload);
  model.applyEvaluation(evaluation().payload);
  model.applySnapshot(snapshot('snapshot_empty.json').payload);
  assert.equal(model.status, 'no-objective');
  assert.equal(model.state.objective, null);
  assert.deepEqual(model.state.evaluations, []);
  assert.equal(model.state.summary, null);
});

test('going not live keeps the last state, shown as saved', () => {
  const model = newModel();
  model.applySnapshot(snapshot().payload);
  model.setLive(false);
  assert.equal(model.status, 'saved');
  assert.equal(model.state.evaluations.length, 2);
  assert.equal(model.state.objective?.name, 'churn');
  model.reset();
  assert.equal(model.status, 'not-loaded');
});

test('saved state loads as not live, and never overrides a live state', () => {
  const model = newModel();
  model.applySaved(snapshot().payload, '2026-11-27T09:00:00+00:00');
  assert.equal(model.status, 'saved');
  assert.equal(model.state.savedAt, '2026-11-27T09:00:00+00:00');

  model.applySnapshot(snapshot('snapshot_empty.json').payload);
  model.applySaved(snapshot().payload, '2026-11-27T09:00:00+00:00');
  assert.equal(model.status, 'no-objective');
});

test('stateChanged emits each change, and only changes', () => {
  const model = newModel();
  const seen: IAlignState[] = [];
  model.stateChanged.connect((_, state) => seen.push(state));
  model.setLive(false); // already not live: no change
  model.applySnapshot(snapshot().payload);
  model.applyEvaluation(evaluation().payload);
  model.setLive(false);
  assert.deepEqual(
    seen.map(s => [s.live, s.evaluations.length]),
    [
      [true, 2],
      [true, 3],
      [false, 3]
    ]
  );
  assert.equal(seen[seen.length - 1], model.state);
});
