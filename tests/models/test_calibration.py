"""ScoreCalibration: the file format both sides agree on, the isotonic fit, eager errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from jobsearch.rank.calibration import FORMAT, CalibrationError, ScoreCalibration, isotonic
from jobsearch.stages import MatchCalibration


def _graded(n: int = 2000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    grades = rng.integers(0, 5, n)
    scores = grades * 1.5 + rng.normal(0, 1.0, n)  # noisy but monotone in the grade
    return scores, grades


def test_fit_grades_in_order_and_probability_monotone() -> None:
    s, g = _graded()
    cal = ScoreCalibration.fit(s, g, scale="ranker-logit", model_id="m")
    assert isinstance(cal, MatchCalibration)
    probe = np.linspace(s.min() - 1, s.max() + 1, 200)
    grades, p = cal.grade(probe)
    rank = {"poor": 0, "fair": 1, "good": 2, "excellent": 3}
    idx = [rank[x] for x in grades]
    assert idx == sorted(idx) and set(idx) == {0, 1, 2, 3}
    assert np.all(np.diff(p) >= 0) and p.min() >= 0 and p.max() <= 1
    # "good or better" is right >= 85% of the time on the pairs it was fitted on
    strong = cal.grade_index(s) >= 2
    assert (g[strong] >= 3).mean() >= 0.85


def test_round_trip_file(tmp_path) -> None:
    s, g = _graded()
    cal = ScoreCalibration.fit(s, g, scale="retrieval-cosine", meta={"fitted_on": "synthetic"})
    path = cal.save(tmp_path / "c.json")
    data = json.loads(path.read_text())
    assert data["format"] == FORMAT and set(data["cuts"]) == {"fair", "good", "excellent"}
    back = ScoreCalibration.load(path)
    probe = np.linspace(-2, 8, 50)
    assert back.grade(probe)[0] == cal.grade(probe)[0]
    np.testing.assert_allclose(back.grade(probe)[1], cal.grade(probe)[1])
    assert back.meta == {"fitted_on": "synthetic"} and back.scale == "retrieval-cosine"


def test_hand_written_file_reads_as_documented(tmp_path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"format": FORMAT, "scale": "ranker-logit", "model_id": "x",
                                "cuts": {"fair": -1.0, "good": 1.0, "excellent": 3.0},
                                "strong": {"x": [-1.0, 1.0, 3.0], "y": [0.0, 0.5, 1.0]}}))
    grades, p = ScoreCalibration.load(path).grade(np.array([-2.0, 0.0, 1.0, 5.0]))
    assert grades == ["poor", "fair", "good", "excellent"]
    np.testing.assert_allclose(p, [0.0, 0.25, 0.5, 1.0])


@pytest.mark.parametrize(
    "bad, msg",
    [
        ({"format": "other"}, "format"),
        ({"format": FORMAT, "scale": "ranker-logit"}, "missing"),
        ({"format": FORMAT, "scale": "ranker-logit", "cuts": {"fair": 2, "good": 1, "excellent": 3},
          "strong": {"x": [0], "y": [0.5]}}, "ascending"),
        ({"format": FORMAT, "scale": "ranker-logit", "cuts": {"fair": 0, "good": 1, "excellent": 3},
          "strong": {"x": [0, 1], "y": [0.9, 0.1]}}, "non-decreasing"),
        ({"format": FORMAT, "scale": "bogus", "cuts": {"fair": 0, "good": 1, "excellent": 3},
          "strong": {"x": [0], "y": [0.5]}}, "scale"),
    ],
)
def test_bad_files_say_why(tmp_path, bad: dict, msg: str) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(CalibrationError, match=msg):
        ScoreCalibration.load(path)


def test_not_json_and_missing_file(tmp_path) -> None:
    with pytest.raises(CalibrationError, match="no calibration"):
        ScoreCalibration.load(tmp_path / "nope.json")
    (tmp_path / "x.json").write_text("{")
    with pytest.raises(CalibrationError, match="not JSON"):
        ScoreCalibration.load(tmp_path / "x.json")


def test_fit_checks_inputs() -> None:
    with pytest.raises(CalibrationError, match="one grade each"):
        ScoreCalibration.fit(np.zeros(20), np.zeros(19), scale="ranker-logit")
    with pytest.raises(CalibrationError, match="0..4"):
        ScoreCalibration.fit(np.arange(20.0), np.full(20, 7), scale="ranker-logit")
    cal = ScoreCalibration.fit(*_graded(200), scale="ranker-logit")
    with pytest.raises(CalibrationError, match="finite"):
        cal.grade(np.array([np.nan]))


def test_isotonic_matches_brute_force_means() -> None:
    x = np.array([0.0, 1, 2, 3, 4])
    y = np.array([0.0, 1, 0, 1, 1])
    xs, fit = isotonic(y, x)
    np.testing.assert_allclose(fit, [0, 0.5, 0.5, 1, 1])
    assert np.all(np.diff(fit) >= 0)
