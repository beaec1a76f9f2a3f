"""The parts of :class:`~logistic.inference.InferenceResults` that read the
training rows one by one: residuals (response, Pearson, deviance) and the
influence measures built on them (:mod:`._influence`). A base of the results.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from .._exceptions import InvalidParameterError
from .._typing import FloatArray

if TYPE_CHECKING:
    from .._objective import LogisticObjective
    from ._influence import Influence
    from ._wald import WaldTable

__all__ = ["ResidualMethods"]


class ResidualMethods:
    """Residuals and influence of the training rows (they need the data)."""

    grouped: bool
    fit_intercept: bool
    term_names: list[str]
    k_params: int
    _theta: FloatArray
    _perm: Any
    _row_labels: Any
    _stats: Any
    _nonrobust_centred: FloatArray | None

    if TYPE_CHECKING:

        def _data(self, what: str) -> LogisticObjective: ...

        def _refuse_frequencies(self, name: str, why: str) -> None: ...

        @property
        def _cov_nonrobust(self) -> FloatArray: ...

        @property
        def _cov(self) -> FloatArray: ...

        @property
        def _wald(self) -> WaldTable: ...

        @property
        def _centred_covariance(self) -> Any: ...

        @property
        def df_resid(self) -> float: ...

    @cached_property
    def _row_residuals(self) -> Any:
        from ._influence import row_residuals

        what = "computing residuals and influence measures"
        if self.grouped:
            raise InvalidParameterError(
                "residuals and influence measures are not available for a grouped "
                "binomial fit (trials=): its inference keeps no rows; fit on the 0/1 "
                "rows for them"
            )
        backend = self._data(what).data
        cov = self._cov_nonrobust
        return row_residuals(
            backend,
            self._theta,
            cov,
            self._cov,
            self.fit_intercept,
            what,
            (self._centred_nonrobust, self._centred_covariance),
        )

    @property
    def _centred_nonrobust(self) -> Any:
        """``I⁻¹`` in the centred coordinates of a Firth fit far from 0
        (:class:`._prediction_interval.CentredCovariance`), or None."""
        from ._prediction_interval import CentredCovariance

        _ = self._cov_nonrobust  # sets _nonrobust_centred where it inverts there
        centred = getattr(self._stats, "centred", None)
        return CentredCovariance.of(centred, self._nonrobust_centred)

    @property
    def resid_response(self) -> FloatArray:
        """``y - p̂`` per training row (needs the training data)."""
        return self._row_residuals.response

    @property
    def resid_pearson(self) -> FloatArray:
        """``(y - p̂) / sqrt(p̂ (1 - p̂))`` per training row."""
        return self._row_residuals.pearson

    @property
    def resid_deviance(self) -> FloatArray:
        """Signed square roots of each row's deviance contribution."""
        return self._row_residuals.deviance

    def get_influence(self) -> Influence:
        """Leverage, studentized residuals, Cook's distance, DFBETAS (an
        :class:`~logistic.inference.Influence`, statsmodels' ``GLMInfluence``
        names; ``most_influential(n, by)``). Needs the training data; see
        :mod:`logistic.inference._influence`."""
        from ._influence import Influence

        self._refuse_frequencies(
            "get_influence()", "its Cook's distance and DFBETAS are not those of "
            "sampling weights (statsmodels GLM(var_weights=))",
        )  # fmt: skip
        return Influence(
            self._row_residuals,
            backend=self._data("get_influence()").data,
            theta=self._theta,
            cov=self._cov_nonrobust,
            centred=self._centred_nonrobust,
            bse=self._wald.bse,
            fit_intercept=self.fit_intercept,
            perm=self._perm,
            term_names=self.term_names,
            df_resid=self.df_resid,
            rank=self.k_params,
            index=self._row_labels,
        )
