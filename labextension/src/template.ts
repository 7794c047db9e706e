/**
 * "nbalign: Insert objective template": the cells it inserts. Pure (no
 * JupyterLab import) so that node tests can read it; index.ts does the wiring.
 *
 * The template itself is generated from the objective's grammar
 * (nbalign/grammar.json, by `python -m nbalign.grammar`), as the form and the
 * parser's keys are: it parses as it is (tests/browser/test_template.py runs
 * nbalign's parser on it, with its optional lines commented and uncommented).
 */
import { OBJECTIVE_TEMPLATE } from './template.generated';

export const COMMAND_ID = 'nbalign:insert-objective-template';
export const COMMAND_LABEL = 'nbalign: Insert objective template';

export const LOAD_EXT = '%load_ext nbalign';

export { OBJECTIVE_TEMPLATE };

/** A cell as the command sees it: its type and its source. */
export interface ICellSource {
  cell_type: string;
  source: string;
}

/** `%load_ext nbalign` (or `%reload_ext`) on a line of its own, not commented out. */
const LOADS_NBALIGN = /^[ \t]*%(?:re)?load_ext[ \t]+nbalign[ \t]*(?:#.*)?$/m;

/** Whether a code cell of the notebook loads nbalign. */
export function loadsNbalign(cells: readonly ICellSource[]): boolean {
  return cells.some(cell => cell.cell_type === 'code' && LOADS_NBALIGN.test(cell.source));
}

/**
 * The sources of the code cells to insert below the active cell, in order:
 * `%load_ext nbalign` first when no code cell of the notebook loads it yet,
 * then the objective template.
 */
export function cellsToInsert(cells: readonly ICellSource[]): string[] {
  return loadsNbalign(cells) ? [OBJECTIVE_TEMPLATE] : [LOAD_EXT, OBJECTIVE_TEMPLATE];
}
