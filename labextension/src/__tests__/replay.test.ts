/**
 * The replay: sequences of what a kernel sent (or that its comm closed), and
 * after each step the state the sidebar must then hold. The default file is a
 * small hand-written example; the Python side generates larger ones from a real
 * kernel and points NBALIGN_REPLAY at them.
 *
 *   {"sequences": [{"seed": 1, "steps": [{"op": "record lr",
 *     "events": [{"kind": "message", "data": <envelope>} | {"kind": "closed"}],
 *     "expected": {"session", "revision", "standing"}}]}]}
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';

import { AlignModel } from '../model';
import { IStandingPayload, parseMessage } from '../protocol';
import { PROTOCOL_DIR, readJson } from './fixtures';

type ReplayEvent = { kind: 'message'; data: unknown } | { kind: 'closed' };

interface IReplayStep {
  op: string;
  events: ReplayEvent[];
  expected: IStandingPayload;
}

interface IReplay {
  sequences: { seed: number; steps: IReplayStep[] }[];
}

const REPLAY_FILE = process.env.NBALIGN_REPLAY
  ? path.resolve(process.env.NBALIGN_REPLAY)
  : path.join(PROTOCOL_DIR, 'replay', 'example.json');

/** Feed one event the way the connector does. */
function feed(model: AlignModel, event: ReplayEvent, where: string): void {
  if (event.kind === 'closed') {
    model.setLive(false);
    return;
  }
  assert.equal(event.kind, 'message', `${where}: unknown event kind ${JSON.stringify(event.kind)}`);
  const message = parseMessage(event.data);
  assert.ok(message, `${where}: the kernel sent a message the sidebar rejects`);
  if (message.type === 'standing') {
    model.applyStanding(message.payload);
  }
}

test(`the sidebar model follows the replay (${path.relative(process.cwd(), REPLAY_FILE)})`, t => {
  const replay = readJson(REPLAY_FILE) as IReplay;
  assert.ok(replay.sequences.length > 0, 'the replay has sequences');
  let steps = 0;
  for (const { seed, steps: sequence } of replay.sequences) {
    const model = new AlignModel();
    sequence.forEach((step, index) => {
      const where = `seed ${seed}, step ${index} (${step.op})`;
      for (const event of step.events) {
        feed(model, event, where);
      }
      const state = model.state;
      assert.equal(state.live, true, `${where}: the state is live`);
      assert.equal(state.session, step.expected.session, `${where}: session`);
      assert.equal(state.revision, step.expected.revision, `${where}: revision`);
      assert.deepStrictEqual(state.standing, step.expected.standing, `${where}: standing`);
      steps += 1;
    });
  }
  assert.ok(steps > 0, 'the replay has steps');
  // The pytest side checks this line to know its generated file was the one replayed.
  t.diagnostic(`replayed ${steps} steps`);
});
