import assert from 'node:assert/strict';
import { test } from 'node:test';

import { cellsToInsert, ICellSource, LOAD_EXT, loadsNbalign, OBJECTIVE_TEMPLATE } from '../template';

const code = (source: string): ICellSource => ({ cell_type: 'code', source });
const markdown = (source: string): ICellSource => ({ cell_type: 'markdown', source });

test('an empty notebook gets %load_ext nbalign, then the template', () => {
  assert.deepEqual(cellsToInsert([]), [LOAD_EXT, OBJECTIVE_TEMPLATE]);
  assert.deepEqual(cellsToInsert([code('')]), ['%load_ext nbalign', OBJECTIVE_TEMPLATE]);
});

test('a notebook that loads nbalign gets the template alone', () => {
  for (const source of [
    '%load_ext nbalign',
    'import pandas as pd\n%load_ext nbalign\n',
    '  %load_ext nbalign  # the sidebar',
    '%reload_ext nbalign',
    '%load_ext autoreload\n%load_ext nbalign'
  ]) {
    assert.deepEqual(cellsToInsert([code('x = 1'), code(source)]), [OBJECTIVE_TEMPLATE], source);
  }
});

test('what only looks like loading nbalign does not count', () => {
  for (const cell of [
    code('# %load_ext nbalign'),
    code('%load_ext nbalign_extra'),
    code('%load_ext autoreload'),
    code('print("%load_ext nbalign")'),
    markdown('%load_ext nbalign'),
    { cell_type: 'raw', source: '%load_ext nbalign' }
  ]) {
    assert.equal(loadsNbalign([cell]), false, JSON.stringify(cell));
    assert.deepEqual(cellsToInsert([cell]), [LOAD_EXT, OBJECTIVE_TEMPLATE]);
  }
});

test('the template is an %%objective cell with every key of an objective', () => {
  const lines = OBJECTIVE_TEMPLATE.split('\n');
  assert.match(lines[0], /^%%objective [a-z_]+$/, 'the magic line names the objective');
  for (const key of ['outcome', 'kpi', 'metric', 'target', 'baseline', 'data', 'stop']) {
    assert.ok(lines.some(line => line.startsWith(`${key}:`)), `a ${key}: line`);
  }
  for (const key of ['name', 'current', 'target', 'deadline', 'owner', 'train', 'test', 'min_gain', 'patience']) {
    assert.ok(lines.some(line => line.startsWith(`  ${key}:`)), `a nested ${key}: line`);
  }
  assert.ok(lines.some(line => /^metric: average_precision\s/.test(line)), 'metric: average_precision');
  assert.ok(lines.some(line => line.startsWith('baseline: auto')), 'baseline: auto');
  // The optional business lines are there, commented out; judge too.
  for (const key of ['population', 'action', 'value']) {
    assert.ok(lines.some(line => line.startsWith(`# ${key}:`)), `# ${key}: (commented out)`);
  }
  assert.ok(lines.some(line => line.startsWith('  # judge:')), '# judge: (commented out)');
});

test('every line of the template says what to fill in', () => {
  const body = OBJECTIVE_TEMPLATE.split('\n').slice(1);
  for (const line of body) {
    assert.match(line, /#/, `a comment on: ${line}`);
  }
  assert.ok(!/\t/.test(OBJECTIVE_TEMPLATE), 'spaces, not tabs (YAML)');
  assert.ok(!OBJECTIVE_TEMPLATE.endsWith('\n'), 'no trailing empty line in the cell');
  // Code cells do not wrap: a line fits a notebook beside the sidebar.
  for (const line of OBJECTIVE_TEMPLATE.split('\n')) {
    assert.ok(line.length <= 90, `at most 90 characters: ${line}`);
  }
});
