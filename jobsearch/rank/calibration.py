"""Score -> match grade calibration: the file the model side fits (models/calibrate.py) and
the serving side reads (the ONNX ranker for its logits, the pipeline for retrieval cosines
when no ranker runs). One small JSON per score scale; format in docs/relevance.md,
section "Calibration file"."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from jobsearch.stages import MATCH_GRADES, MatchGrade

FORMAT = "jobsearch-score-calibration/1"
SCALES = ("ranker-logit", "retrieval-cosine", "teacher-logit")


class CalibrationError(ValueError):
    """A calibration file or fit that cannot be used (the message says what is wrong)."""


class ScoreCalibration:
    """Grades and P(good or better) from one score scale.

    cuts: three ascending thresholds on the score; a score >= cuts[2] is "excellent",
    >= cuts[1] "good", >= cuts[0] "fair", else "poor". strong_x / strong_y: knots of a
    monotone (non-decreasing) piecewise-linear map score -> P(good or better), constant
    beyond the end knots (the isotonic fit, pooled). `scale` names what the score is
    (ranker-logit, retrieval-cosine, ...), `model_id` which model produced it; `meta` keeps
    how it was fitted and checked."""

    def __init__(
        self,
        cuts: Sequence[float],
        strong_x: Sequence[float],
        strong_y: Sequence[float],
        *,
        scale: str,
        model_id: str = "",
        meta: dict[str, Any] | None = None,
    ) -> None:
        cuts_a = np.asarray(cuts, dtype=np.float64)
        x = np.asarray(strong_x, dtype=np.float64)
        y = np.asarray(strong_y, dtype=np.float64)
        if cuts_a.shape != (3,):
            raise CalibrationError(f"expected 3 cut points (poor|fair|good|excellent), got {cuts_a.shape[0] if cuts_a.ndim else 0}")
        if not np.all(np.isfinite(cuts_a)) or np.any(np.diff(cuts_a) < 0):
            raise CalibrationError(f"expected finite ascending cut points, got {cuts_a.tolist()}")
        if x.ndim != 1 or x.shape != y.shape or len(x) < 1:
            raise CalibrationError(f"expected as many strong_y as strong_x (>= 1), got {x.shape} and {y.shape}")
        if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
            raise CalibrationError("expected finite knots")
        if np.any(np.diff(x) < 0) or np.any(np.diff(y) < 0):
            raise CalibrationError("expected knots ascending in score and non-decreasing in probability")
        if y.min() < 0 or y.max() > 1:
            raise CalibrationError(f"expected probabilities in [0, 1], got {y.min()}..{y.max()}")
        if scale not in SCALES:
            raise CalibrationError(f"expected scale in {SCALES}, got {scale!r}")
        self.cuts = cuts_a
        self.strong_x = x
        self.strong_y = y
        self.scale = scale
        self.model_id = model_id
        self.meta = dict(meta or {})

    def grade_index(self, scores: np.ndarray) -> np.ndarray:
        """0 poor, 1 fair, 2 good, 3 excellent per score."""
        s = np.asarray(scores, dtype=np.float64)
        return np.searchsorted(self.cuts, s, side="right")

    def match_score(self, scores: np.ndarray) -> np.ndarray:
        s = np.asarray(scores, dtype=np.float64)
        return np.interp(s, self.strong_x, self.strong_y)

    def grade(self, scores: np.ndarray) -> tuple[list[MatchGrade], np.ndarray]:
        s = np.asarray(scores, dtype=np.float64).reshape(-1)
        if s.size and not np.all(np.isfinite(s)):
            raise CalibrationError("expected finite scores, got NaN or infinity")
        top = len(MATCH_GRADES) - 1
        grades = [MATCH_GRADES[top - int(i)] for i in self.grade_index(s)]
        return grades, self.match_score(s)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "scale": self.scale,
            "model_id": self.model_id,
            "cuts": {"fair": float(self.cuts[0]), "good": float(self.cuts[1]), "excellent": float(self.cuts[2])},
            "strong": {"x": [float(v) for v in self.strong_x], "y": [float(v) for v in self.strong_y]},
            "meta": self.meta,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScoreCalibration:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            got = data.get("format") if isinstance(data, dict) else type(data).__name__
            raise CalibrationError(f"expected a calibration of format {FORMAT!r}, got {got!r}")
        try:
            cuts = [data["cuts"][k] for k in ("fair", "good", "excellent")]
            x, y = data["strong"]["x"], data["strong"]["y"]
            scale = data["scale"]
        except (KeyError, TypeError) as exc:
            raise CalibrationError(f"calibration is missing a field: {exc}") from exc
        return cls(cuts, x, y, scale=scale, model_id=str(data.get("model_id", "")), meta=data.get("meta") or {})

    @classmethod
    def load(cls, path: Path | str) -> ScoreCalibration:
        path = Path(path)
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError as exc:
            raise CalibrationError(f"no calibration file at {path}") from exc
        except json.JSONDecodeError as exc:
            raise CalibrationError(f"{path} is not JSON: {exc}") from exc
        return cls.from_dict(data)

    def save(self, path: Path | str) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=1))
        tmp.replace(path)
        return path

    @classmethod
    def fit(
        cls,
        scores: np.ndarray,
        grades: np.ndarray,
        *,
        scale: str,
        model_id: str = "",
        precision: float = 0.85,
        meta: dict[str, Any] | None = None,
    ) -> ScoreCalibration:
        """Fit on graded pairs (grades 0..4, the policy's scale; 3-4 count as strong).

        The strong map is isotonic regression of (grade >= 3) on the score. The "good" cut
        is the lowest score above which the fitted P(strong) reaches `precision` (so a
        "good" label is right that often on the fitted pairs), "excellent" the lowest where
        P(grade = 4) reaches 3/4 (at or above "good"), "fair" where P(grade >= 2) reaches
        one half (at or below "good")."""
        s = np.asarray(scores, dtype=np.float64).reshape(-1)
        g = np.asarray(grades).reshape(-1)
        if s.shape != g.shape or s.size < 10:
            raise CalibrationError(f"expected >= 10 scores with one grade each, got {s.size} and {g.size}")
        if not np.all(np.isfinite(s)):
            raise CalibrationError("expected finite scores")
        if g.min() < 0 or g.max() > 4:
            raise CalibrationError(f"expected grades 0..4, got {g.min()}..{g.max()}")
        x, y_strong = isotonic((g >= 3).astype(np.float64), s)
        _, y_fair = isotonic((g >= 2).astype(np.float64), s)
        _, y_exc = isotonic((g >= 4).astype(np.float64), s)
        top = float(s.max()) + 1e-6
        good = _first_at(x, y_strong, precision, top)
        fair = min(_first_at(x, y_fair, 0.5, top), good)
        exc = max(_first_at(x, y_exc, 0.75, top), good)
        kx, ky = _knots(x, y_strong)
        return cls([fair, good, exc], kx, ky, scale=scale, model_id=model_id, meta=meta)


def isotonic(y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pool-adjacent-violators: the non-decreasing fit of y on x, returned at sorted x."""
    order = np.argsort(x, kind="stable")
    xs, ys = x[order], y[order].astype(np.float64)
    vals: list[float] = []
    wts: list[float] = []
    for v in ys:
        vals.append(float(v))
        wts.append(1.0)
        while len(vals) > 1 and vals[-2] > vals[-1]:
            w = wts[-2] + wts[-1]
            v2 = (vals[-2] * wts[-2] + vals[-1] * wts[-1]) / w
            vals[-2:] = [v2]
            wts[-2:] = [w]
    fitted = np.repeat(vals, np.asarray(wts, dtype=np.int64))
    return xs, fitted


def _first_at(x: np.ndarray, y: np.ndarray, level: float, top: float) -> float:
    """The lowest x whose fitted y reaches level; `top` (nothing qualifies) when none does."""
    hit = np.flatnonzero(y >= level)
    return float(x[hit[0]]) if len(hit) else top


def _knots(x: np.ndarray, y: np.ndarray, max_knots: int = 64) -> tuple[list[float], list[float]]:
    """The step function as a short list of (x, y) knots: the midpoint of each pooled block,
    thinned to at most max_knots (a small file, a smooth map between blocks)."""
    kx, ky = [], []
    start = 0
    for i in range(1, len(y) + 1):
        if i == len(y) or y[i] != y[start]:
            kx.append(float((x[start] + x[i - 1]) / 2))
            ky.append(float(y[start]))
            start = i
    if len(kx) > max_knots:
        pick = np.unique(np.linspace(0, len(kx) - 1, max_knots).round().astype(int))
        kx, ky = [kx[i] for i in pick], [ky[i] for i in pick]
    # equal x from rounding would make interp ambiguous; nudge them apart
    for i in range(1, len(kx)):
        if kx[i] <= kx[i - 1]:
            kx[i] = math.nextafter(kx[i - 1], math.inf)
    return kx, ky
