"""scikit-learn's K-class L1 optimum on iris, for tests that cannot rerun it.

scikit-learn 1.9.1 ``LogisticRegression(C=1.0, l1_ratio=1.0, solver="saga",
tol=1e-12, max_iter=1_000_000).fit(*load_iris(return_X_y=True))`` (47 775
epochs, 4 s: too slow to rerun in the suite), printed to 10 decimals; its
intercepts sum to 0, the gauge ``logistic`` reports K-class fits in.
"""

import numpy as np

SAGA_COEF = np.array(
    [
        [0.0, 0.0, -3.8492476013, 0.0],
        [0.7400285502, 0.0, 0.0, 0.0],
        [0.0, 0.0, 4.1747133001, 3.9922999394],
    ]
)
SAGA_INTERCEPT = np.array([16.8503087795, 2.7865224003, -19.6368311797])
