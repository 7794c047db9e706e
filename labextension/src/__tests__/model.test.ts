import assert from 'node:assert/strict';
import { test } from 'node:test';

import { AlignModel, IAlignState, NOT_LOADED } from '../model';
import { IStandingPayload } from '../protocol';
import { readProtocol, standingPayload } from './fixtures';

const FIXED_NOW = new Date('2026-11-28T12:00:00Z');

function newModel(): AlignModel {
  return new AlignModel(() => FIXED_NOW);
}

/** The example standing as revision `revision` of `session`. */
function payload(revision: number, session = '5f0c2a', name = 'standing.json'): IStandingPayload {
  return { ...standingPayload(name), session, revision };
}

function watch(model: AlignModel): IAlignState[] {
  const seen: IAlignState[] = [];
  model.stateChanged.connect((_, state) => seen.push(state));
  return seen;
}

test('a new model is not loaded', () => {
  const model = newModel();
  assert.equal(model.status, 'not-loaded');
  assert.equal(model.state, NOT_LOADED);
  assert.equal(model.state.standing, null);
  assert.equal(model.state.session, null);
  assert.equal(model.state.revision, null);
});

test('a standing replaces the whole state, live', () => {
  const model = newModel();
  const example = payload(7);
  model.applyStanding(example);
  assert.equal(model.status, 'live');
  assert.deepEqual(model.state, {
    live: true,
    session: '5f0c2a',
    revision: 7,
    standing: example.standing,
    savedAt: FIXED_NOW.toISOString()
  });
  assert.ok(Object.isFrozen(model.state));

  // A later standing with fewer rows is taken as it is: nothing is merged.
  const smaller = payload(8);
  smaller.standing!.rows = smaller.standing!.rows.slice(0, 1);
  model.applyStanding(smaller);
  assert.equal(model.state.standing?.rows.length, 1);
  assert.equal(model.state.revision, 8);
});

test('a late or duplicate revision of the same session is ignored, silently', () => {
  const model = newModel();
  model.applyStanding(payload(7));
  const before = model.state;
  const seen = watch(model);
  model.applyStanding(payload(6, '5f0c2a', 'standing_empty.json'));
  model.applyStanding(payload(7, '5f0c2a', 'standing_empty.json'));
  assert.equal(model.state, before);
  assert.equal(seen.length, 0, 'no change, no signal');
});

test('another session (a restarted kernel) is taken, whatever its revision', () => {
  const model = newModel();
  model.applyStanding(payload(7));
  model.applyStanding(payload(1, 'new-kernel', 'standing_empty.json'));
  assert.equal(model.status, 'no-objective');
  assert.equal(model.state.session, 'new-kernel');
  assert.equal(model.state.revision, 1);
  assert.equal(model.state.standing, null);
});

test('a closed comm keeps the last standing, shown as saved', () => {
  const model = newModel();
  model.applyStanding(payload(7));
  model.setLive(false);
  assert.equal(model.status, 'saved');
  assert.equal(model.state.standing?.objective.name, 'churn');
  assert.equal(model.state.revision, 7);
  model.reset();
  assert.equal(model.status, 'not-loaded');
});

test('the same revision on a new comm (after a close) makes the state live again', () => {
  const model = newModel();
  model.applyStanding(payload(7));
  model.setLive(false);
  model.applyStanding(payload(6));
  assert.equal(model.status, 'saved', 'an older revision is still ignored');
  model.applyStanding(payload(7));
  assert.equal(model.status, 'live');
});

test('saved state loads as not live, and never overrides a live state', () => {
  const saved = readProtocol('saved/format1.json');
  const model = newModel();
  model.applySaved(saved);
  assert.equal(model.status, 'saved');
  assert.deepEqual(model.state.standing, saved.standing);
  assert.equal(model.state.savedAt, saved.saved_at);
  assert.equal(model.state.session, null);

  // Any live standing wins over the file, even one without objective.
  model.applyStanding(payload(1, '5f0c2a', 'standing_empty.json'));
  assert.equal(model.status, 'no-objective');
  model.applySaved(saved);
  assert.equal(model.status, 'no-objective');
});

test('stateChanged emits each change, and only changes', () => {
  const model = newModel();
  const seen = watch(model);
  model.setLive(false); // already not live
  model.reset(); // already not loaded
  model.applyStanding(payload(1));
  model.applyStanding(payload(1)); // duplicate
  model.applyStanding(payload(2));
  model.setLive(false);
  model.setLive(false);
  assert.deepEqual(
    seen.map(s => [s.live, s.revision]),
    [
      [true, 1],
      [true, 2],
      [false, 2]
    ]
  );
  assert.equal(seen[seen.length - 1], model.state);
});
