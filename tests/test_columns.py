"""logistic.columns: one column planner for files read in memory, streamed or on Dask."""

from __future__ import annotations

import pyarrow as pa
import pytest

from logistic import DataValidationError
from logistic.columns import arrow_kind, plan_columns

SCHEMA = pa.schema(
    [
        ("age", pa.int64()),
        ("city", pa.string()),
        ("member", pa.bool_()),
        ("w", pa.float64()),
        ("o", pa.float32()),
        ("when", pa.timestamp("s")),
        ("code", pa.dictionary(pa.int8(), pa.string())),
        ("y", pa.int8()),
    ]
)


def test_roles_are_never_features_and_order_is_kept():
    plan = plan_columns(SCHEMA, target="y", weights="w", offset="o")
    assert plan.features == ("age", "city", "member", "when", "code")
    assert plan.roles == ["y", "w", "o"]
    assert plan.columns == ["age", "city", "member", "when", "code", "y", "w", "o"]
    named = plan_columns(SCHEMA, target="y", features=["city", "y", "age"], weights="w")
    assert named.features == ("city", "age")
    assert named.left_out == ("member", "o", "when", "code")
    dropped = plan_columns(SCHEMA, target="y", drop=["when", "code"])
    assert dropped.features == ("age", "city", "member", "w", "o")


def test_a_role_named_among_the_features_is_left_out_with_a_note():
    """R's ``glm(y ~ y + x)`` drops the response from the right side with a
    warning; a role named in ``features`` is left out, and the plan says so
    (no note where the features name no role, or are chosen automatically)."""
    plan = plan_columns(
        SCHEMA, target="y", features=["age", "y", "w"], weights="w",
        role_names={"weights": "--weights"},
    )
    assert plan.features == ("age",)
    assert plan.notes == (
        "feature column 'y' is the target column: left out of the features",
        "feature column 'w' is the --weights column: left out of the features",
    )
    assert plan_columns(SCHEMA, target="y", features=["age"]).notes == ()
    assert plan_columns(SCHEMA, target="y", weights="w").notes == ()


def test_a_dropped_column_the_named_features_never_had_is_noted():
    """``features=["age"], drop=["city"]``: ``city`` was never a feature, so
    dropping it does nothing; the plan says so once per column (it said
    nothing). Columns among the features are dropped without a note, and a
    role column has its own rule (never a feature)."""
    plan = plan_columns(
        SCHEMA, target="y", features=["age", "city"], drop=["member", "city", "member", "y"]
    )
    assert plan.features == ("age",)
    assert plan.notes == (
        "dropped column 'member' is not a feature column: nothing to drop",
        "dropped column 'y' is the target column, never a feature: nothing to drop",
    )
    cli = plan_columns(
        SCHEMA, target="y", features=["age"], drop=["o"], role_names={"drop": "--drop"}
    )
    assert cli.notes == ("--drop column 'o' is not a feature column: nothing to drop",)
    assert plan_columns(SCHEMA, target="y", drop=["o"]).notes == ()


def test_kinds_come_from_the_arrow_types():
    plan = plan_columns(SCHEMA, target="y")
    kinds = {c: plan.kind(c) for c in SCHEMA.names}
    assert kinds == {
        "age": "numeric",
        "city": "text",
        "member": "boolean",
        "w": "numeric",
        "o": "numeric",
        "when": "other",
        "code": "text",
        "y": "numeric",
    }
    assert plan.features_of_kind("text") == ["city", "code"]
    assert arrow_kind(pa.null()) == "null"
    assert arrow_kind(pa.decimal128(5, 2)) == "numeric"
    names_only = plan_columns(["a", "b", "y"], target="y")
    assert names_only.features == ("a", "b") and names_only.kind("a") == "unknown"


def test_absent_columns_are_named_with_a_close_spelling():
    with pytest.raises(
        DataValidationError,
        match=r"^target column 'Y' not found in f\.csv \(did you mean 'y'\?\); "
        r"available: 'age', 'city'",
    ):
        plan_columns(SCHEMA, target="Y", source="f.csv")
    with pytest.raises(DataValidationError, match="^--weights column 'wt' not found"):
        plan_columns(
            SCHEMA, target="y", weights="wt", role_names={"weights": "--weights"}
        )
    with pytest.raises(DataValidationError, match=r"^2 feature columns \('a', 'b'\)"):
        plan_columns(SCHEMA, target="y", features=["a", "b"])
    one = pa.schema([("x;y", pa.string())])
    with pytest.raises(
        DataValidationError,
        match=r"delimiter ',': pass sep=';' \(the header holds 2 fields separated by "
        r"semicolons\)",
    ):
        plan_columns(one, target="y", delimiter=",", role_names={"delimiter": "sep"})


def test_no_feature_left_and_roles_only():
    with pytest.raises(DataValidationError, match="^f: 0 feature columns left besides"):
        plan_columns(["x", "y"], target="y", drop=["x"], source="f")
    roles = plan_columns(["y", "w"], target="y", weights="w", roles_only=True)
    assert roles.features == () and roles.roles == ["y", "w"]


def test_backends_use_the_planner(tmp_path):
    from logistic.backends import Chunked

    path = tmp_path / "d.csv"
    path.write_text("a,y,b\n1,0,2\n2,1,0\n3,0,1\n4,1,3\n")
    data = Chunked.from_csv(path, target="y", features=["b", "y", "a"])
    assert data.feature_names == ["b", "a"]  # the target is never a feature
    with pytest.raises(DataValidationError, match="weights column 'w' not found"):
        Chunked.from_csv(path, target="y", weight="w")
