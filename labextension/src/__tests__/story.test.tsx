/**
 * One story (issue 19): the sidebar names the same best candidate, model to
 * ship, banner and interval label as the kernel's other views, on standings
 * the kernel's view model made.
 *
 *   {"stories": [{"message": {session, revision, standing},
 *     "expected": {"best": name | null, "ship": name | null, "banner": code | null,
 *                  "interval_label": text | null}}]}
 *
 * The default file holds six fixed histories (each story keeps the `drawn`
 * history it was built from by `build` in tests/test_one_story.py);
 * tests/test_one_story.py points NBALIGN_STORIES at the random histories it
 * draws, and reads the line this test prints to know they were checked.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import * as React from 'react';
import { renderToStaticMarkup } from 'react-dom/server';

import { Dashboard } from '../dashboard';
import { AlignModel } from '../model';
import { IStandingPayload, parseMessage } from '../protocol';
import { PROTOCOL_DIR, readJson } from './fixtures';
import { count, elements, escaped } from './markup';

interface IStory {
  message: IStandingPayload;
  expected: {
    best: string | null;
    ship: string | null;
    banner: string | null;
    interval_label: string | null;
  };
}

const STORIES_FILE = process.env.NBALIGN_STORIES
  ? path.resolve(process.env.NBALIGN_STORIES)
  : path.join(PROTOCOL_DIR, 'stories', 'example.json');

/** The one element of the dashboard with this test id, or null when there is none. */
function single(html: string, testid: string, tag: string, where: string): string | null {
  const found = elements(html, testid, tag);
  assert.ok(found.length <= 1, `${where}: ${found.length} elements ${testid}`);
  return found[0] ?? null;
}

test(`the sidebar tells each story as the kernel does (${path.relative(process.cwd(), STORIES_FILE)})`, () => {
  const { stories } = readJson(STORIES_FILE) as { stories: IStory[] };
  assert.ok(stories.length > 0, 'the file has stories');
  stories.forEach(({ message: payload, expected }, index) => {
    const where = `story ${index + 1}`;
    const message = parseMessage({ v: 2, type: 'standing', payload });
    assert.ok(message?.type === 'standing', `${where}: the sidebar rejects the kernel's standing`);
    const model = new AlignModel();
    model.applyStanding(message.payload);
    const html = renderToStaticMarkup(<Dashboard state={model.state} />);

    const best = single(html, 'nbalign-best', 'div', where);
    assert.ok(best, `${where}: no best line`);
    if (expected.best === null) {
      assert.match(best, /no evaluation yet/, where);
    } else {
      assert.ok(best.includes(`>${escaped(expected.best)}<`), `${where}: best ${expected.best} in ${best}`);
    }
    const ship = single(html, 'nbalign-ship', 'div', where);
    if (expected.ship === null) {
      assert.equal(ship, null, `${where}: no model to ship, yet a ship line`);
    } else {
      assert.ok(ship?.includes(`>${escaped(expected.ship)}<`), `${where}: ship ${expected.ship} in ${ship}`);
    }
    const banner = single(html, 'nbalign-banner', 'section', where);
    if (expected.banner === null) {
      assert.equal(banner, null, `${where}: no banner, yet one shows`);
    } else {
      assert.ok(banner?.includes(`>${expected.banner}<`), `${where}: banner ${expected.banner} in ${banner}`);
    }
    if (expected.interval_label !== null) {
      const interval = single(html, 'nbalign-progress-interval', 'span', where);
      assert.ok(
        interval?.includes(`>${escaped(expected.interval_label)} `),
        `${where}: interval label ${expected.interval_label} in ${interval}`
      );
    } else {
      assert.equal(count(html, 'data-testid="nbalign-progress-interval"'), 0, `${where}: an interval shows`);
    }
  });
  // tests/test_one_story.py reads this line to know its stories were the ones checked
  console.log(`${stories.length} stories`);
});
