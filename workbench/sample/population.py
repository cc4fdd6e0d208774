"""Who the bank's customers are and the loan each of them applied for, including what nobody can see.

Every customer carries a latent creditworthiness ``quality`` (higher = riskier) that the attributes only
partly reveal (credit grade, bureau score, occupation, income), and each application may fall in a
*distress episode* that starts 20–170 days before ``applied_at``: salary stops, cash withdrawals and
late-night small loans rise, the balance falls. The episode is visible only in transactions, which is why
transaction features add signal over the attributes. ``default_12m`` is drawn from both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.sample.calendar import AGE_REFERENCE, APPLY_END, APPLY_START, day

# --- vocabularies (the values analysts will see) --------------------------------------------------------

GENDERS = ("M", "F")
AGE_BANDS = ("20대", "30대", "40대", "50대", "60대", "70대")
AGE_BAND_P = (0.17, 0.20, 0.22, 0.20, 0.13, 0.08)

SIDO = (
    "서울특별시", "부산광역시", "대구광역시", "인천광역시", "광주광역시", "대전광역시", "울산광역시",
    "세종특별자치시", "경기도", "강원특별자치도", "충청북도", "충청남도", "전북특별자치도", "전라남도",
    "경상북도", "경상남도", "제주특별자치도",
)  # fmt: skip
SIDO_P = (18.2, 6.4, 4.6, 5.8, 2.8, 2.8, 2.1, 0.8, 26.5, 3.0, 3.1, 4.2, 3.4, 3.5, 5.0, 6.3, 1.3)

OCCUPATIONS = ("회사원", "공무원", "전문직", "자영업", "프리랜서", "주부", "학생", "무직", "연금생활자")
SALARIED = (0, 1, 2)  # monthly 급여 deposits
SELF_EMPLOYED = (3, 4)  # irregular 사업소득
PENSIONER = 8
# occupation probabilities per age band (rows follow AGE_BANDS)
_OCC_P = np.array([
    [0.50, 0.06, 0.04, 0.04, 0.08, 0.03, 0.17, 0.08, 0.00],
    [0.58, 0.09, 0.08, 0.09, 0.07, 0.05, 0.00, 0.04, 0.00],
    [0.52, 0.09, 0.08, 0.16, 0.06, 0.06, 0.00, 0.03, 0.00],
    [0.42, 0.08, 0.07, 0.23, 0.06, 0.08, 0.00, 0.05, 0.01],
    [0.15, 0.03, 0.04, 0.27, 0.05, 0.10, 0.00, 0.08, 0.28],
    [0.02, 0.00, 0.01, 0.12, 0.02, 0.10, 0.00, 0.08, 0.65],
])  # fmt: skip
# median annual income (만원) and log-sd per occupation; the effect on latent risk
_INCOME_MEDIAN = np.array([4300, 5200, 8000, 4200, 3000, 900, 500, 600, 1800])
_INCOME_SD = np.array([0.35, 0.25, 0.40, 0.60, 0.55, 0.50, 0.40, 0.50, 0.35])
_OCC_RISK = np.array([0.0, -0.45, -0.35, 0.15, 0.25, 0.10, 0.30, 0.60, -0.10])
_AGE_RISK = np.array([0.30, 0.05, -0.05, -0.05, 0.05, 0.20])

INCOME_UNKNOWN = 9999  # the core system's "unknown" code in annual_income (만원)
INCOME_BANDS = (
    "2천만원 미만",
    "2천~4천만원",
    "4천~6천만원",
    "6천~8천만원",
    "8천만원~1억원",
    "1억원 이상",
    "미상",
)
_INCOME_EDGES = np.array([2000, 4000, 6000, 8000, 10000])

LOAN_PRODUCTS = ("신용대출", "주택담보대출", "전세자금대출", "자동차대출", "소액신용대출", "사업자대출")
_PRODUCT_P = np.array([0.44, 0.14, 0.16, 0.10, 0.11, 0.05])
_PRODUCT_RISK = np.array([0.0, -0.7, -0.4, -0.1, 0.55, 0.25])
_PRODUCT_AMOUNT = np.array([2500, 25000, 18000, 3000, 300, 5000])  # median, 만원
_PRODUCT_TERMS = ((12, 24, 36, 60), (120, 240, 360), (24,), (36, 48, 60), (6, 12), (12, 36, 60))

DEFAULT_RATE = 0.065


@dataclass(frozen=True)
class Population:
    """Customer- and loan-level arrays, one row per customer (each customer has exactly one application).

    Only ``customers``/``loans`` frames built from this are public; the latent fields (``quality``,
    ``distress``, ``onset``…) drive the transactions and the label and are never written out.
    """

    n: int
    seed: int
    gender: np.ndarray  # 0 = M, 1 = F
    age: np.ndarray  # years on AGE_REFERENCE
    age_band: np.ndarray  # index into AGE_BANDS
    birth_day: np.ndarray  # days since epoch
    sido: np.ndarray  # index into SIDO
    occupation: np.ndarray  # index into OCCUPATIONS
    income: np.ndarray  # true annual income, 만원
    income_known: np.ndarray  # bool: False → annual_income holds 9999
    credit_grade: np.ndarray  # 1 (best) … 10
    joined_at: np.ndarray  # days
    quality: np.ndarray  # latent risk, higher = worse
    surname: np.ndarray  # index into identity.SURNAMES
    given: np.ndarray  # str, 1–2 syllables, typical of the person's generation
    # the application
    applied_at: np.ndarray  # days
    product: np.ndarray  # index into LOAN_PRODUCTS
    loan_amount: np.ndarray  # KRW
    term_months: np.ndarray
    bureau_score: np.ndarray
    monthly_income: np.ndarray  # 만원
    months_at_job: np.ndarray  # float with NaN = missing
    distress: np.ndarray  # bool
    onset: np.ndarray  # first distress day (days); meaningful where distress
    distress_end: np.ndarray  # days
    salary_stops: np.ndarray  # bool: income deposits stop during the episode
    default: np.ndarray  # 0/1
    overdue_days_after: np.ndarray


def _pick(rng: np.random.Generator, p, size: int) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    return rng.choice(len(p), size=size, p=p / p.sum())


def _pick_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One categorical draw per row, each row with its own probability vector."""
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(probs))[:, None]
    return np.minimum((u > cum).sum(axis=1), probs.shape[1] - 1)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _calibrate(logit: np.ndarray, rate: float) -> float:
    """The intercept shift that makes the mean probability equal ``rate`` (bisection, deterministic)."""
    lo, hi = -20.0, 20.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if _sigmoid(logit + mid).mean() > rate:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2


def build_population(n: int, seed: int) -> Population:
    """Draw ``n`` customers and their applications; same ``(n, seed)`` → same arrays."""
    from workbench.sample.identity import draw_names

    rng = np.random.default_rng([seed, 1])
    gender = rng.integers(0, 2, n)
    age_band = _pick(rng, AGE_BAND_P, n)
    age = np.where(age_band == 5, 70 + rng.integers(0, 12, n), 20 + 10 * age_band + rng.integers(0, 10, n))
    # birthday so that the age on AGE_REFERENCE is exactly `age`
    ref = day(AGE_REFERENCE)
    birth_day = ref - (age * 365.25).astype(np.int64) - rng.integers(1, 365, n)
    sido = _pick(rng, SIDO_P, n)
    occupation = _pick_rows(rng, _OCC_P[age_band])

    income = np.exp(np.log(_INCOME_MEDIAN[occupation]) + _INCOME_SD[occupation] * rng.standard_normal(n))
    income = np.clip(np.round(income / 10) * 10, 300, 30000).astype(np.int64)
    income = np.where(income == INCOME_UNKNOWN, INCOME_UNKNOWN + 1, income)
    unknown_p = np.where(np.isin(occupation, SELF_EMPLOYED), 0.09, 0.04)
    income_known = rng.random(n) >= unknown_p

    log_inc = (np.log(income) - np.log(4000)) / 0.6
    quality = rng.standard_normal(n) + _OCC_RISK[occupation] + _AGE_RISK[age_band] - 0.25 * np.clip(log_inc, -2, 2)
    grade = np.clip(np.round(4.5 + 1.7 * (0.55 * quality + 0.83 * rng.standard_normal(n))), 1, 10)
    credit_grade = grade.astype(np.int64)

    earliest_join = np.maximum(birth_day + 17 * 365, day(AGE_REFERENCE) - 25 * 365)  # before any application
    latest_join = APPLY_START - 200
    joined_at = earliest_join + (rng.random(n) * np.maximum(latest_join - earliest_join, 1)).astype(np.int64)

    birth_year = birth_day.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    surname, given = draw_names(rng, gender, birth_year)

    # --- the application -------------------------------------------------------------------------------
    applied_at = APPLY_START + rng.integers(0, APPLY_END - APPLY_START + 1, n)
    prod_p = np.tile(_PRODUCT_P, (n, 1))
    prod_p[:, 5] = np.where(np.isin(occupation, SELF_EMPLOYED), 0.35, 0.0)
    prod_p[:, 1] = np.where(age_band == 0, 0.03, prod_p[:, 1])
    product = _pick_rows(rng, prod_p)
    amount_manwon = np.exp(np.log(_PRODUCT_AMOUNT[product]) + 0.5 * rng.standard_normal(n))
    loan_amount = (np.maximum(np.round(amount_manwon / 10) * 10, 50) * 10_000).astype(np.int64)
    term_months = np.empty(n, dtype=np.int64)
    for p, terms in enumerate(_PRODUCT_TERMS):
        rows = product == p
        term_months[rows] = np.asarray(terms)[rng.integers(0, len(terms), rows.sum())]

    # bureau score: informative but noisy, and its scale drifts across application months
    month_pos = (applied_at - APPLY_START) / (APPLY_END - APPLY_START)
    bureau = 760 - 95 * (0.6 * quality + 0.8 * rng.standard_normal(n)) + 75 * month_pos
    bureau_score = np.clip(np.round(bureau), 300, 1000).astype(np.int64)

    monthly_income = np.round(income / 12 * (1 + 0.02 * rng.standard_normal(n))).astype(np.int64)

    # distress episode around the application
    distress = rng.random(n) < _sigmoid(-1.75 + 0.55 * quality)
    onset = applied_at - rng.integers(20, 171, n)
    episode_after = rng.integers(20, 150, n)
    salary_stops = distress & (rng.random(n) < 0.65)

    logit = 0.6 * quality + 2.3 * distress + _PRODUCT_RISK[product] + 0.35 * rng.standard_normal(n)
    p_default = _sigmoid(logit + _calibrate(logit, DEFAULT_RATE))
    default = (rng.random(n) < p_default).astype(np.int64)
    # a defaulter's distress outlasts the application; the others recover within a few months
    distress_end = applied_at + np.where(default == 1, 90 + 2 * episode_after, episode_after)

    # months at the current job: absent for people without one, and missing-not-at-random for defaulters
    has_job = np.isin(occupation, SALARIED + SELF_EMPLOYED)
    tenure = np.clip(np.exp(np.log(12 * np.clip(age - 24, 1, 35)) - 0.9 + 0.7 * rng.standard_normal(n)), 1, 480)
    missing = ~has_job | (rng.random(n) < np.where(default == 1, 0.30, 0.07))
    months_at_job = np.where(missing, np.nan, np.round(tenure))

    # the leak: worst days past due in the months *after* the application (known only once the loan runs)
    u = rng.random(n)
    overdue = np.where(
        default == 1,
        np.where(u < 0.8, rng.integers(60, 366, n), rng.integers(0, 60, n)),
        np.where(u < 0.88, 0, rng.integers(1, 46, n)),
    ).astype(np.int64)

    return Population(
        n=n, seed=seed, gender=gender, age=age, age_band=age_band, birth_day=birth_day, sido=sido,
        occupation=occupation, income=income, income_known=income_known, credit_grade=credit_grade,
        joined_at=joined_at, quality=quality, surname=surname, given=given, applied_at=applied_at,
        product=product, loan_amount=loan_amount, term_months=term_months, bureau_score=bureau_score,
        monthly_income=monthly_income, months_at_job=months_at_job, distress=distress, onset=onset,
        distress_end=distress_end, salary_stops=salary_stops, default=default, overdue_days_after=overdue,
    )  # fmt: skip


def income_band(income: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Index into INCOME_BANDS; unknown incomes get the "미상" band."""
    return np.where(known, np.searchsorted(_INCOME_EDGES, income, side="right"), len(INCOME_BANDS) - 1)
