"""The judge: from an objective's records to its standing, and from the standing to what views show.

- :mod:`~nbalign.judge.fold` folds the records, in the order first recorded, into rows with their
  verdicts, the summary, the best candidate and the model to ship (:class:`Judge`, :class:`Standing`);
- :mod:`~nbalign.judge.facts` holds what it establishes about each evaluation, which the checks
  (:mod:`nbalign.checks`) read, and its rules (verdict words, progress);
- :mod:`~nbalign.judge.candidates` keeps the models one could ship, simplest first, and their frontier;
- :mod:`~nbalign.judge.claim` corrects "the best beats the baseline" for the models compared;
- :mod:`~nbalign.judge.outlook` projects a model's KPI and value under the objective's terms;
- :mod:`~nbalign.judge.wire` is the only producer of the view model every view renders.
"""

from .candidates import Candidates, simplicity
from .claim import BestClaim
from .facts import (
    APART,
    MIN_TEST_ROWS,
    REUSE_LIMIT,
    VERDICTS,
    Aside,
    Facts,
    ObjectiveFacts,
    is_few_rows,
    own_interval,
    progress_to_target,
    resolve_min_gain,
)
from .fold import Judge, Row, Ship, Standing, Summary
from .outlook import Outlook

__all__ = ["APART", "MIN_TEST_ROWS", "REUSE_LIMIT", "VERDICTS", "Aside", "BestClaim", "Candidates",
           "Facts", "Judge", "ObjectiveFacts", "Outlook", "Row", "Ship", "Standing", "Summary", "is_few_rows",
           "own_interval", "progress_to_target", "resolve_min_gain", "simplicity"]
