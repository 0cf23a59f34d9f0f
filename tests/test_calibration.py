"""The arithmetic of the calibration and the reading of published wording."""

from __future__ import annotations

import pytest

from graph.calibration import apportion, increments, scaled
from graph.stats import meets


@pytest.mark.parametrize(
    "total, weights, expected",
    [(10, [1, 1, 1], [4, 3, 3]), (7, [0.2, 0.5, 0.3], [1, 4, 2]), (0, [1, 2], [0, 0]),
     (5, [0, 1], [0, 5])],
)
def test_apportion_adds_up_exactly(total, weights, expected):
    parts = apportion(total, weights)
    assert parts == expected and sum(parts) == total


def test_apportion_needs_a_positive_weight():
    with pytest.raises(ValueError):
        apportion(3, [0, 0])


def test_scaled_targets_stay_cumulative():
    assert scaled((100, 150, 151), 0.01) == (1, 2, 2)
    assert increments((1158, 1626, 1701)) == [1158, 468, 75]


@pytest.mark.parametrize(
    "value, published, wording, ok",
    [
        (21650, 21600, "over", True), (21600, 21600, "over", False), (23000, 21600, "over", False),
        (5460, 5500, "almost", True), (5500, 5500, "almost", False), (5000, 5500, "almost", False),
        (14880, 15000, "close to", True), (14000, 15000, "close to", False),
        (1341.0, 1341, "exact", True), (1342.0, 1341, "exact", False), (258, 258, "exact", True),
        (1.0, 1.0, "exact", True), (0.99, 1.0, "exact", False),
        (0.889, (0.88, 0.90), "range", True), (0.91, (0.88, 0.90), "range", False),
        (None, 258, "exact", False),
    ],
)
def test_meets_reads_the_published_wording(value, published, wording, ok):
    assert meets(value, published, wording) is ok
