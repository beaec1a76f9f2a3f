"""Rendering of inference results: text (R/statsmodels style), HTML and Markdown.

Convention: one :class:`Summary` holds the numbers (a header of fit
statistics and a coefficient table with Wald intervals, or with
``odds_ratios`` the odds-ratio table of :mod:`._odds`); ``as_text``,
``as_html`` and ``as_markdown`` only format them. Significance codes follow
R: ``***`` p < 0.001, ``**`` p < 0.01, ``*`` p < 0.05, ``.`` p < 0.1.
Estimates, errors and bounds are printed with 4 significant digits,
p-values with 3 significant digits (as R's ``format.pval``); the cells and
lines of that table are :mod:`._coef_table`'s, which also print an
:class:`~._odds.OddsRatioTable`. A fit by a
stochastic solver stopped at a loose tolerance gets an ``Estimates`` header
line, a note and a warning (:mod:`._stochastic`): its estimates are
approximate.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._firth_correction import corrected_note
from .._separation_kinds import separation_unchecked
from .._separation_stop import stopped_by_separation
from ._cell_text import (
    ECHO_ROWS,
    ECHO_WHERE,
    fixed,
    hidden_rows,
    markdown_text,
    nobs_text,
    pvalue_text,
)
from ._coef_table import (
    SIGNIF_LEGEND,
    covariance_label,
    shown_name,
    significance_stars,
    table_cells,
    table_line,
    table_widths,
)
from ._dispersion import overdispersion_note, scale_note
from ._separation_notes import (
    NO_FINITE_MLE,
    separated_lr_note,
    separation_note,
    unchecked_note,
)
from ._stochastic import header_value, stochastic_note, stochastic_solver
from ._table_markup import Block, html_tables, markdown_rule, markdown_tables

__all__ = ["Summary"]

def _odds_method(odds_ratios: bool | str) -> str | None:
    """None (coefficients), ``"default"`` (``True``: the fit's default
    intervals) or the odds ratios' interval method."""
    if odds_ratios is False or odds_ratios is None:
        return None
    if odds_ratios is True:
        return "default"
    if odds_ratios in ("wald", "profile"):
        return str(odds_ratios)
    from .._exceptions import InvalidParameterError

    raise InvalidParameterError(
        f"odds_ratios must be True, False, 'wald' or 'profile'; got {odds_ratios!r}"
    )


def likelihood_available(r: Any) -> bool:
    """Whether likelihood-ratio tests and profile intervals can be computed:
    the training data are at hand, not grouped counts, not sampling weights,
    not a FLIC or FLAC fit."""
    return (
        getattr(r, "_objective", None) is not None
        and getattr(r, "firth_correction", None) is None  # FLIC, FLAC: Wald
        and not r.grouped
        and getattr(r, "sample_weight_kind", "frequency") != "sampling"
    )


#: The header cell of a likelihood-based statistic under sampling weights.
NA_SAMPLING = "n/a (sampling weights)"


def _sampling(r: Any) -> bool:
    return getattr(r, "sample_weight_kind", "frequency") == "sampling"


def _criterion(r: Any, name: str) -> str:
    """AIC or BIC as a header cell (refused under sampling weights)."""
    return NA_SAMPLING if _sampling(r) else fixed(getattr(r, name), 2)


def _work_rows(r: Any) -> float:
    """The rows a pass reads (the cost of logistf's refits): rows of positive
    weight, not ``nobs`` (``Σ`` frequency weights or trials)."""
    labels = getattr(getattr(r, "_stats", None), "labels", None)
    rows = float(getattr(labels, "rows", np.nan))
    return rows if np.isfinite(rows) else float(r.nobs)


def _converged(r: Any) -> str:
    if r.separation and r.method == "MLE":
        return NO_FINITE_MLE
    return str(r.converged)


def _overall_test(r: Any, notes: list[str]) -> list[tuple[str, str]]:
    """Pseudo R² and the likelihood-ratio test against the null model, as
    header pairs: ``LR chi2(df)`` with its p-value (Stata's header). For a
    Firth fit the test is logistf's (penalized log-likelihoods, the null
    fit with the intercept free and the full model's information); without
    the data it cannot be computed and the header says so. A separated MLE
    fit shows them too, evaluated where the fit stopped (the note of
    :func:`separated_lr_note`, added by :class:`Summary`)."""
    if _sampling(r):  # a pseudo-likelihood: these raise, as lr_test does
        na = NA_SAMPLING
        return [("Pseudo R-sq.", na), ("LR chi2", na), ("LLR p-value", na)]
    out = [("Pseudo R-sq.", fixed(r.pseudo_rsquared, 4))]
    if not getattr(r, "null_has_intercept", True):
        labels = getattr(getattr(r, "_stats", None), "labels", None)
        offset = bool(getattr(labels, "has_offset", False))
        notes.append(
            (
                "null model: η = offset, no intercept (LL-null, pseudo R-sq. and the "
                "LR test compare with the offset alone"
                if offset
                else "null model: η = 0, no intercept (LL-null, pseudo R-sq. and the "
                "LR test compare with every probability 1/2"
            )
            + (
                "; the columns do not span the constant)."
                if likelihood_available(r)
                else "; with the training data, columns that span the constant, "
                "such as a full factor, get the intercept-only null)."
            )
        )
    if r.method != "Firth":
        if r.cov_type != "nonrobust":
            notes.append(_robust_overall_note(r))
        return out + [
            (f"LR chi2({r.df_model:g})", fixed(r.llr, 2)),
            ("LLR p-value", pvalue_text(r.llr_pvalue)),
        ]
    if getattr(r, "firth_correction", None):  # not Firth's estimate: no PLR
        return out + [("Penalized LR chi2", f"n/a ({r.firth_correction.upper()})")]
    if likelihood_available(r):
        try:
            stat, pvalue, df = r.llr_penalized
        except Exception as exc:  # a singular information on the null path
            notes.append(f"The penalized likelihood-ratio test failed ({exc}).")
        else:
            return out + [
                (f"Penalized LR chi2({df})", fixed(stat, 2)),
                ("PLR p-value", pvalue_text(pvalue)),
            ]
    needs = "needs 0/1 rows" if r.grouped else "needs the data"
    return out + [("Penalized LR chi2", needs)]


def _method_words(r: Any) -> str:
    """The title's words on the estimate: Firth's, and its correction."""
    if r.method != "Firth":
        return ""
    words = {"flic": "FLIC intercept", "flac": "FLAC added-covariate"}
    kind = getattr(r, "firth_correction", None)
    if kind in words:  # the table's width: no room for both
        return f" (Firth, {words[kind]} correction)"
    return " (Firth's penalized likelihood)"


#: Why a grouped fit's pseudo R² is not 1 - LL/LL-null of its header.
GROUPED_PSEUDO_NOTE = (
    "Grouped counts: the log-likelihoods, AIC and BIC include sum log C(n, k), "
    "as R's glm; Pseudo R-sq. leaves it out, so it is that of the same trials "
    "as 0/1 rows whatever their grouping (Stata's blogit)."
)


def _robust_overall_note(r: Any) -> str:
    """Under a robust ``cov_type`` the header's LR test is still the
    likelihood's (as statsmodels prints it; ``lr_test`` warns so): the note
    says so and gives the Wald test of every slope on the robust covariance,
    the overall test Stata's ``logit, vce(robust)`` reports (``Wald chi2``),
    where that covariance has full rank on them."""
    text = (
        "LR chi2 and its p-value are likelihood-based and do not use the "
        f"{r.cov_type} covariance"
    )
    test = _slopes_wald(r)
    if test is None:
        return text + "."
    return (
        f"{text}; the Wald test on it that every slope is 0 (the Wald chi2 of "
        f"Stata's header under a robust vce): {test}."
    )


def _slopes_wald(r: Any) -> str | None:
    """``chi2(df) = statistic, p = p-value`` of the Wald test that every slope
    is 0 on the results' covariance, or None where there is no slope or that
    covariance is not of full rank on them (fewer clusters than slopes)."""
    from ._hypothesis import wald_test_quiet

    params = np.asarray(r.params, dtype=np.float64)
    slopes = [
        j
        for j, name in enumerate(r.term_names)
        if name != "Intercept" and np.isfinite(params[j])
    ]
    if not slopes:
        return None
    R = np.zeros((len(slopes), len(params)))
    R[np.arange(len(slopes)), slopes] = 1.0
    try:  # never through the warning filters: they are the process's
        with np.errstate(all="ignore"):  # (numpy's is this thread's)
            params, cov = r._params(), r._cov_display()
            test = wald_test_quiet(params, cov, R, None, r.term_names)
    except (ValueError, np.linalg.LinAlgError):  # non-finite
        return None
    if test.df < len(slopes) or not np.isfinite(test.statistic):
        return None  # a rank-deficient covariance: no test
    statistic, pvalue = fixed(test.statistic, 2), pvalue_text(test.pvalue)
    return f"chi2({test.df}) = {statistic}, p = {pvalue}"


#: ``k² · nobs`` up to which a Firth summary computes logistf's tests and
#: profile intervals by default (about 2k constrained refits, each a few
#: passes over the rows: 1-6 s at 21 coefficients on 20,000 rows on a loaded
#: 2-core machine, 6-9 s at 31 on 100,000); beyond
#: it the table is Wald, labelled, and the note names the methods.
LOGISTF_WORK = 2e7


class _Table:
    """The numbers and column names of the coefficient (or odds-ratio) table.

    Firth fits with their training data get logistf's defaults: penalized
    likelihood-ratio tests (``LR chi2`` on 1 df, ``P>chi2``) and profile
    penalized-likelihood intervals; without the data they are Wald and the
    columns say so. Every other combination of a test and an interval that
    is not the plain Wald pair is labelled in the column names and a note.
    """

    def __init__(
        self, r: Any, alpha: float, odds_ratios: bool | str, notes: list[str]
    ) -> None:
        from ._distributions import chi2_sf

        or_method = _odds_method(odds_ratios)
        firth = r.method == "Firth"
        data = likelihood_available(r)
        cheap = r.k_params**2 * _work_rows(r) <= LOGISTF_WORK
        logistf = (
            firth
            and data
            and (or_method == "profile" or (cheap and or_method != "wald"))
        )
        ci_kind = "profile" if logistf or or_method == "profile" else "wald"
        p_kind = "plr" if logistf else "wald"
        wald = r.wald_table(alpha)  # checks alpha (check_alpha) before its use here
        lo, hi = alpha / 2.0, 1.0 - alpha / 2.0
        stat, pvalues, ci = wald.zvalues, wald.pvalues, wald.conf_int
        failed = False  # then the note says so, not what they would cost
        try:
            if ci_kind == "profile":
                ci = np.asarray(r.conf_int(alpha, "profile"), dtype=np.float64)
            if p_kind == "plr":
                stat = np.asarray(r._lr_statistics, dtype=np.float64)
                pvalues = np.asarray(chi2_sf(stat, 1), dtype=np.float64)
        except Exception as exc:
            if or_method == "profile":
                raise
            notes.append(
                f"Penalized likelihood-ratio tests and profile intervals failed "
                f"({exc}); Wald values are shown."
            )
            ci_kind, p_kind, failed = "wald", "wald", True
            stat, pvalues, ci = wald.zvalues, wald.pvalues, wald.conf_int
        self.params, self.bse = wald.params, wald.bse
        self.stat, self.pvalues, self.conf_int = stat, pvalues, ci
        first = "coef"
        if or_method is not None:
            first = "odds ratio"
            with np.errstate(over="ignore"):
                self.params = np.exp(wald.params)
                self.bse = self.params * wald.bse
                self.conf_int = np.exp(ci)
        if p_kind == "plr":
            zc, pc = "LR chi2", "P>chi2"
        elif firth or ci_kind == "profile":
            zc, pc = "z (Wald)", "P>|z|"
        else:
            zc, pc = "z", "P>|z|"
        prefix = "profile " if ci_kind == "profile" else ("Wald " if firth else "")
        self.columns = [
            "",
            first,
            "std err",
            zc,
            pc,
            f"{prefix}[{lo:g}",
            f"{hi:g}]",
            "",
        ]
        notes.extend(
            self._notes(r, or_method, firth and not failed, data, ci_kind, p_kind)
        )

    @staticmethod
    def _notes(
        r: Any,
        or_method: str | None,
        firth: bool,
        data: bool,
        ci_kind: str,
        p_kind: str,
    ) -> list[str]:
        out = []
        if p_kind == "plr":
            out.append(
                "Firth fit, logistf's defaults: LR chi2 and P>chi2 are the penalized "
                "likelihood-ratio tests of coef = 0 (1 df; each null fit keeps the "
                "full model's penalty), the intervals are profile penalized-likelihood "
                "intervals; std err is the Wald sqrt(diag I(coef)^-1)."
            )
        elif firth and data and or_method != "wald":
            out.append(
                f"Firth fit: z, P>|z| and the intervals are Wald (std err from "
                f"I(coef)^-1): logistf's penalized likelihood-ratio tests and profile "
                f"intervals of {r.k_params} coefficients on {_work_rows(r):g} rows "
                "take many constrained refits; res.pvalues_lr() and "
                "res.conf_int(method='profile') compute them (terms= selects some)."
            )
        elif firth and getattr(r, "firth_correction", None):
            out.append(corrected_note(r.firth_correction))
        elif firth:
            out.append(
                "Firth fit: z, P>|z| and the intervals are Wald (std err from "
                "I(coef)^-1), poor with separation or few events. logistf's defaults, "
                "penalized likelihood-ratio p-values and profile penalized-likelihood "
                "intervals, "
                + (
                    "need one 0/1 row per trial (a fit on the counts keeps no rows "
                    "to refit): fit on such rows for them."
                    if r.grouped
                    else "are model.summary(X, y) (or res.pvalues_lr(), "
                    "res.conf_int(method='profile'))."
                    if data
                    else "need the training data: model.inference(X, y).summary(), "
                    "res.pvalues_lr(), res.conf_int(method='profile')."
                )
            )
        if ci_kind == "profile" and p_kind == "wald":
            # an odds ratio's interval sits about 1 where the coefficient's is
            # about 0 (coef = 0 is odds ratio 1)
            null = "1" if or_method is not None else "0"
            out.append(
                "P>|z| is the Wald test of coef = 0 but the intervals are profile "
                f"likelihood: the two can disagree (an interval excluding {null} "
                "next to P>|z| above alpha); res.pvalues_lr() gives likelihood-ratio "
                "p-values."
            )
        if ci_kind == "profile" and r.cov_type != "nonrobust":
            out.append(
                f"std err, z and P>|z| use the {r.cov_type} covariance; the profile "
                "intervals are model-based (independent rows, the likelihood's own "
                f"variance) and do not account for it; conf_int(method='wald') "
                f"gives {r.cov_type} intervals."
            )
        if or_method is not None:
            out.append(
                "Odds ratios exp(coef); std err by the delta method (odds ratio x "
                "std err of coef); the test is of coef = 0; intervals are exp of "
                + ("the profile-likelihood" if ci_kind == "profile" else "the Wald")
                + " bounds of coef."
            )
        return out


class Summary:
    """Printable summary of :class:`~logistic.inference.InferenceResults`.

    Attributes
    ----------
    header : list of (str, str)
        Fit statistics as label/value pairs.
    columns : list of str
        Coefficient-table column names.
    rows : list of list
        One row per term: name, estimate, std. error, z, p, lower, upper, stars.
    """

    def __init__(
        self,
        results: Any,
        alpha: float = 0.05,
        title: str | None = None,
        odds_ratios: bool | str = False,
    ) -> None:
        r = results
        self.title = title or ("Logistic regression results" + _method_words(r))
        self.notes: list[str] = []
        table = _Table(r, alpha, odds_ratios, self.notes)
        self.columns = table.columns
        self.rows = [
            [
                name,
                float(b),
                float(se),
                float(z),
                float(p),
                float(c0),
                float(c1),
                significance_stars(float(p)),
            ]
            for name, b, se, z, p, (c0, c1) in zip(
                r.term_names,
                table.params,
                table.bse,
                table.stat,
                table.pvalues,
                table.conf_int,
                strict=True,
            )
        ]
        self.aliased = list(getattr(r, "aliased", []))
        if self.aliased:
            from ._aliased import singularity_note

            self.notes.insert(0, singularity_note(self.aliased))
        nobs = nobs_text(float(r.nobs))
        cov = covariance_label(r)
        sampling = _sampling(r)
        scale = float(getattr(r, "scale", 1.0))
        left = [
            ("Method", r.method),
            ("No. groups" if r.grouped else "No. observations", nobs),
            ("Df model", f"{r.df_model:g}"),
            ("Df residuals", nobs_text(float(r.df_resid))),
            ("Covariance type", cov),
            ("Converged", _converged(r)),
            ("Iterations", f"{r.n_iter} ({r.solver})" if r.solver else f"{r.n_iter}"),
        ]
        stochastic = stochastic_solver(getattr(r, "model", None))
        if stochastic is not None:
            left.append(("Estimates", header_value(stochastic)))
            self.notes.append(stochastic_note(stochastic))
        right = [
            # under sampling weights a weighted pseudo-likelihood (Stata's label)
            ("Log pseudolikelihood" if sampling else "Log-likelihood", fixed(r.llf, 4)),
            ("LL-null", fixed(r.llnull, 4)),
            *_overall_test(r, self.notes),
            ("Deviance", fixed(r.deviance, 2)),
            ("Null deviance", fixed(r.null_deviance, 2)),
            ("AIC", _criterion(r, "aic")),
            ("BIC", _criterion(r, "bic")),
        ]
        if r.method == "Firth" and getattr(r, "firth_correction", None) != "flac":
            right.insert(1, ("Penalized LL", fixed(r.llf_penalized, 4)))
        if r.grouped:
            right += [
                ("Pearson chi2", fixed(r.pearson_chi2, 2)),
                ("Pearson chi2/df", fixed(r.dispersion, 4)),
            ]
            self.notes.append(GROUPED_PSEUDO_NOTE)
        if r.cov_type == "cluster":
            from ._covariance import few_clusters

            caveat = few_clusters(r.cov_info.get("n_groups"), r.k_params)
            if caveat is not None:
                self.notes.append(caveat)
        # a fit the separation stop ended did not converge because no finite
        # MLE exists: the separation note and the header say so, once
        stopped = bool(r.separation) and stopped_by_separation(
            getattr(r.model, "fit_status_", "")
        )
        if r.separation:
            self.notes.append(separation_note(r.separation))
            if r.method == "MLE" and not sampling:
                lr_note = separated_lr_note(bool(r.converged), stopped=stopped)
                self.notes.append(lr_note)
        elif r.method == "MLE" and separation_unchecked(r.model):
            self.notes.append(unchecked_note())
        if not r.converged and not stopped:
            self.notes.append("The fit did not converge.")
        if sampling:
            wald = _slopes_wald(r)
            self.notes.append(
                "Sampling weights: rows are the observations and the standard errors "
                "are robust; the log-likelihood is a weighted pseudo-likelihood, so "
                "likelihood-based statistics (LR chi2, LR tests, AIC/BIC, pseudo "
                "R-sq.) are not valid and not shown; "
                + (
                    "res.wald_test() tests coefficients jointly."
                    if wald is None
                    else f"the Wald test on the {r.cov_type} covariance that every "
                    f"slope is 0 (the Wald chi2 of Stata's header under pweights): "
                    f"{wald}."
                )
            )
        if scale != 1.0:
            self.notes.append(scale_note(scale, r.scale_kind))
        elif r.grouped and r.dispersion > 2.0 and r.method != "Firth":
            remedy = (
                "scale='X2' (logistic summary MODEL --scale X2, without DATA; "
                "logistic margins MODEL DATA --scale X2)"
            )
            self.notes.append(overdispersion_note(r.dispersion, remedy) + ".")
        self.header_left, self.header_right = left, right
        self.header = left + right

    # -- text ------------------------------------------------------------------------
    def _cells(self) -> list[list[str]]:
        return table_cells(self.rows, self.aliased)

    def as_text(self, max_rows: int | None = None, where: str = "") -> str:
        """Plain-text table in the style of statsmodels / R ``summary.glm``
        (term names cut to :data:`MAX_NAME_WIDTH` characters); with
        ``max_rows``, the first that many coefficient rows and a line counting
        the others (``where`` says where they are)."""
        cells = [[shown_name(c[0]), *c[1:]] for c in self._cells()]
        hidden = 0 if max_rows is None else max(0, len(cells) - max_rows)
        widths = table_widths(self.columns, cells)
        table_w = sum(widths) + 2 * 7

        def pairs(items: list[tuple[str, str]]) -> list[str]:
            kw = max(len(k) for k, _ in items) + 1
            vw = max(len(v) for _, v in items)
            return [f"{k + ':':<{kw}} {v:>{vw}}" for k, v in items]

        left, right = pairs(self.header_left), pairs(self.header_right)
        lw = max(len(t) for t in left)
        width = max(table_w, lw + 4 + max(len(t) for t in right))
        lines = [self.title.center(width).rstrip(), "=" * width]
        for i in range(max(len(left), len(right))):
            a = left[i] if i < len(left) else ""
            b = right[i] if i < len(right) else ""
            lines.append(f"{a:<{lw}}    {b:>{width - lw - 4}}".rstrip())
        lines.append("=" * width)
        lines.append(table_line(self.columns, widths))
        lines.append("-" * width)
        lines.extend(table_line(c, widths) for c in cells[: len(cells) - hidden])
        if hidden:
            lines.append(hidden_rows(hidden, len(cells), where))
        lines.append("=" * width)
        lines.append(SIGNIF_LEGEND)
        lines.extend(f"Note: {n}" for n in self.notes)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.as_text()

    def __repr__(self) -> str:
        return self.as_text(ECHO_ROWS, ECHO_WHERE)

    # -- markdown ------------------------------------------------------------------
    def as_markdown(self) -> str:
        """GitHub-flavoured Markdown: a statistics table then the coefficient table."""
        columns = ["term", *self.columns[1:7], "signif."]
        rule = markdown_rule(7) + "---|"  # the stars left-aligned
        tail = ["", markdown_text(SIGNIF_LEGEND)]  # stars, not emphasis
        tail += [f"\n**Note:** {markdown_text(n)}" for n in self.notes]
        block = Block("", columns, self._cells(), rule)
        return markdown_tables(self.title, self.header, [block], tail)

    # -- html --------------------------------------------------------------------------
    def as_html(self, max_rows: int | None = None, where: str = "") -> str:
        """HTML: a statistics table and a coefficient table (escaped); with
        ``max_rows``, as :meth:`as_text`."""
        import html  # here: a text summary needs no html module

        esc = html.escape
        columns = ["", *self.columns[1:7], ""]
        tail = [f"<p>{esc(SIGNIF_LEGEND)}</p>"]
        tail += [f"<p><b>Note:</b> {esc(n)}</p>" for n in self.notes]
        block = Block("", columns, self._cells())
        return html_tables(self.title, self.header, [block], tail, max_rows, where)

    def _repr_html_(self) -> str:
        return self.as_html(ECHO_ROWS, ECHO_WHERE)
