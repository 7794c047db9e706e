"""A fitted model saved with nbalign.saved loads back, in a fresh Python, predicting exactly what it
did: as skops where skops can, as joblib where it cannot, and not at all (with a message, and no
file left) where pickle cannot either. A changed file is refused; the record says the versions."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from nbalign.errors import NbalignError
from nbalign.saved import SavedModel, load_model, save_model

ROOT = Path(__file__).resolve().parents[1]

# Run by a Python that has imported nothing of the test's: it loads each folder it is given and
# writes the predictions for the pickled data beside it.
FRESH = """
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nbalign.saved import load_model

for folder, data, out in zip(*[iter(sys.argv[1:])] * 3):
    model = load_model(Path(folder))
    X = pd.read_pickle(data)
    predict = getattr(model, "predict_proba", None) or model.predict
    np.save(out, predict(X))
"""


def predictions_in_a_fresh_process(tmp_path: Path, *saved: tuple[Path, Any, Any]) -> list[tuple[np.ndarray, ...]]:
    """For each (folder, model, X): the predict_proba (or predict) on X of the model loaded from the
    folder in a new process, and the model's own here, on the same X.

    Both read X back from the same pickle: a data frame read back may lay its columns out otherwise
    in memory, and the sums in a dot product then round in another order (one ulp apart). The same
    bytes in, the same predictions out, or the model did not load as it was."""
    arguments, pairs = [], []
    for i, (folder, model, X) in enumerate(saved):
        data, out = tmp_path / f"X{i}.pkl", tmp_path / f"p{i}.npy"
        pd.to_pickle(X, data)
        arguments += [str(folder), str(data), str(out)]
        predict = getattr(model, "predict_proba", None) or model.predict
        pairs.append((out, predict(pd.read_pickle(data))))
    done = subprocess.run([sys.executable, "-c", FRESH, *arguments], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert done.returncode == 0, done.stderr
    return [(np.load(out), here) for out, here in pairs]


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    return X.iloc[:, :8], y


@pytest.fixture(scope="module")
def with_a_category(cancer):
    """Five numeric columns and a pandas categorical one."""
    X, y = cancer
    X = X.iloc[:, :5].copy()
    X["size"] = pd.Categorical(pd.cut(cancer[0]["mean area"], 3, labels=["small", "medium", "large"]))
    return X, y


def test_pipelines_save_as_skops_and_predict_the_same_in_a_fresh_process(tmp_path, cancer, with_a_category):
    scaled = make_pipeline(StandardScaler(), LogisticRegression()).fit(*cancer)
    encoded = make_pipeline(
        make_column_transformer((OneHotEncoder(), ["size"]), remainder="passthrough"),
        HistGradientBoostingClassifier(max_iter=15),
    ).fit(*with_a_category)

    first = save_model(scaled, tmp_path / "scaled")
    second = save_model(encoded, tmp_path / "encoded")

    assert (first.format, first.file, first.trusted) == ("skops", "model.skops", ())
    assert second.format == "skops"
    # the trees' predictor is not among the types skops trusts by default: it is recorded, and trusted on load
    assert second.trusted == ("sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",)
    assert sorted(p.name for p in (tmp_path / "encoded").iterdir()) == ["model.json", "model.skops"]
    for again, here in predictions_in_a_fresh_process(tmp_path, (tmp_path / "scaled", scaled, cancer[0]),
                                                      (tmp_path / "encoded", encoded, with_a_category[0])):
        assert np.array_equal(again, here)


def test_a_model_holding_a_lambda_is_refused_naming_it_and_leaves_no_file(tmp_path, cancer):
    # skops writes the lambda as a reference by name, "__main__.<lambda>" or "test_saved.<lambda>",
    # which nothing can load; pickle cannot save it either
    model = make_pipeline(FunctionTransformer(lambda x: x), StandardScaler(), LogisticRegression()).fit(*cancer)
    folder = tmp_path / "lambda"

    with pytest.raises(NbalignError, match=r"functiontransformer__func .*<lambda>.* cannot be pickled") as raised:
        save_model(model, folder)

    assert "save the model by hand" in str(raised.value)
    assert list(folder.iterdir()) == []


def test_a_function_of_a_module_saves_and_predicts_the_same_in_a_fresh_process(tmp_path, cancer):
    model = make_pipeline(FunctionTransformer(np.log1p), StandardScaler(), LogisticRegression()).fit(*cancer)

    saved = save_model(model, tmp_path / "log1p")

    assert saved.format == "skops"  # numpy.log1p is among the types skops trusts
    [(again, here)] = predictions_in_a_fresh_process(tmp_path, (tmp_path / "log1p", model, cancer[0]))
    assert np.array_equal(again, here)


def test_what_skops_writes_but_cannot_load_is_saved_with_joblib(tmp_path):
    # skops stores a bound method (a compiled pattern's findall) as "<module>.findall", a name that
    # does not resolve on load; pickle saves the pattern and the method
    texts = ["good day", "bad day", "good good night", "bad bad night", "a good one", "a bad one"] * 5
    labels = [1, 0, 1, 0, 1, 0] * 5
    model = make_pipeline(CountVectorizer(tokenizer=re.compile(r"\w+").findall, token_pattern=None),
                          LogisticRegression()).fit(texts, labels)

    saved = save_model(model, tmp_path / "words")

    assert (saved.format, saved.file, saved.trusted) == ("joblib", "model.joblib", ())
    assert "skops" not in saved.libraries
    assert sorted(p.name for p in (tmp_path / "words").iterdir()) == ["model.joblib", "model.json"]
    [(again, here)] = predictions_in_a_fresh_process(tmp_path, (tmp_path / "words", model, pd.Series(texts)))
    assert np.array_equal(again, here)


@pytest.mark.parametrize("kind", ["skops", "joblib"])
def test_a_changed_file_is_refused(tmp_path, cancer, kind):
    if kind == "skops":
        model = make_pipeline(StandardScaler(), LogisticRegression()).fit(*cancer)
    else:
        model = make_pipeline(CountVectorizer(tokenizer=re.compile(r"\w+").findall, token_pattern=None),
                              LogisticRegression()).fit(["a b", "b c", "c a", "a a"], [0, 1, 0, 1])
    saved = save_model(model, tmp_path)
    assert saved.format == kind
    path = tmp_path / saved.file
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))

    with pytest.raises(NbalignError, match=rf"{re.escape(str(path))} changed since it was saved.*save the model again"):
        load_model(tmp_path)


def test_the_record_names_the_installed_versions_and_round_trips(tmp_path):
    from importlib.metadata import version

    X, y = load_diabetes(return_X_y=True)
    saved = save_model(make_pipeline(StandardScaler(), Ridge()).fit(X, y), tmp_path, name="ridge")

    assert saved.libraries["scikit-learn"] == version("scikit-learn")
    assert saved.libraries["numpy"] == version("numpy")
    assert saved.libraries["skops"] == version("skops")
    assert saved.libraries["python"] == "{}.{}.{}".format(*sys.version_info[:3])
    assert saved.python_class == "sklearn.pipeline.Pipeline"
    record = json.loads((tmp_path / "ridge.json").read_text())
    assert SavedModel.from_dict(record) == saved
    assert SavedModel.from_dict({**record, "written_by": "a later nbalign"}) == saved
    assert saved.bytes == (tmp_path / "ridge.skops").stat().st_size
    # the record, given as the dict it is, loads the model as the file beside it does
    assert np.array_equal(load_model(tmp_path, record).predict(X), load_model(tmp_path, name="ridge").predict(X))


def test_another_scikit_learn_version_is_one_warning_naming_both(tmp_path):
    X, y = load_diabetes(return_X_y=True)
    saved = save_model(Ridge().fit(X, y), tmp_path)
    older = {**saved.to_dict(), "libraries": {**saved.libraries, "scikit-learn": "1.2.0"}}

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load_model(tmp_path, older)

    [warning] = [w for w in caught if "scikit-learn" in str(w.message)]
    assert f"saved with scikit-learn 1.2.0 and is loaded with {saved.libraries['scikit-learn']}" in str(warning.message)
    assert warning.filename == __file__  # it points at the caller's line


def test_a_function_the_notebook_no_longer_defines_is_named_on_load(tmp_path, cancer, monkeypatch):
    # a function defined in a notebook lives in __main__: the file names it, and a kernel that has not
    # defined it again cannot load the model
    def halve(x):
        return x / 2

    halve.__module__, halve.__qualname__ = "__main__", "halve"
    monkeypatch.setattr(sys.modules["__main__"], "halve", halve, raising=False)
    model = make_pipeline(FunctionTransformer(halve), StandardScaler(), LogisticRegression()).fit(*cancer)
    assert save_model(model, tmp_path).trusted == ("__main__.halve",)
    monkeypatch.delattr(sys.modules["__main__"], "halve")

    with pytest.raises(NbalignError, match=r"needs something this Python cannot import .*halve"):
        load_model(tmp_path)


def test_a_lightgbm_model_saves_and_predicts_the_same_in_a_fresh_process(tmp_path, cancer):
    lightgbm = pytest.importorskip("lightgbm")
    model = lightgbm.LGBMClassifier(n_estimators=10, num_leaves=7, verbose=-1).fit(*cancer)

    saved = save_model(model, tmp_path / "lgbm")

    assert saved.libraries["lightgbm"] == lightgbm.__version__
    assert saved.python_class == "lightgbm.sklearn.LGBMClassifier"
    [(again, here)] = predictions_in_a_fresh_process(tmp_path, (tmp_path / "lgbm", model, cancer[0]))
    assert np.array_equal(again, here)


def test_saving_again_replaces_the_file_and_the_record(tmp_path, cancer):
    X, y = cancer
    save_model(make_pipeline(StandardScaler(), LogisticRegression(C=0.1)).fit(X, y), tmp_path)
    better = make_pipeline(StandardScaler(), LogisticRegression(C=10.0)).fit(X, y)

    save_model(better, tmp_path)

    assert np.array_equal(load_model(tmp_path).predict_proba(X), better.predict_proba(X))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json", "model.skops"]
