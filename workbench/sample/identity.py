"""Fake but well-formed Korean identifiers for the raw export: names, RRNs, phones, cards, accounts, address.

Every identifier passes the checks a good detector applies (RRN check digit, Luhn, bank account shapes),
so the privacy gate is tested on values that look real; none belongs to anyone: the serial digits are random.
"""

from __future__ import annotations

import numpy as np

# Surname shares from the 2015 census (top 40, renormalised): 김 21.5 %, 이 14.7 %, 박 8.4 % …
SURNAMES = tuple("김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민")
SURNAME_P = (
    21.5, 14.7, 8.4, 4.7, 4.3, 2.4, 2.1, 2.1, 2.0, 1.7, 1.5, 1.5, 1.5, 1.5, 1.4, 1.4, 1.3, 1.3, 1.1, 1.1,
    1.1, 0.9, 0.9, 0.9, 0.9, 0.8, 0.7, 0.7, 0.7, 0.6, 0.5, 0.5, 0.5, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.3,
)  # fmt: skip
# Common given names by generation (born before 1965, 1965–1989, 1990 on), so a name fits its age band.
_GIVEN = {
    (0, 0): "영수 영호 영철 상철 성호 정호 광수 종수 병철 재호 성수 용수 정수 상훈 동수 진호 기수 만수 경호 영식",
    (0, 1): "성민 정훈 지훈 성진 동현 상현 준호 재훈 현우 민수 성훈 준영 지성 영진 태호 승현 민호 정민 진우 재현",
    (0, 2): "민준 서준 도윤 예준 시우 하준 주원 지호 지훈 준서 건우 현준 도현 우진 민재 승민 유준 지환 선우 연우",
    (1, 0): "영숙 정숙 순자 영희 영자 정희 미경 경숙 순희 명숙 옥순 말순 혜숙 춘자 금순 은숙 경희 미숙 현숙 정자",
    (1, 1): "지영 은영 미영 수진 지현 은정 혜진 선영 현정 미진 지은 은주 윤정 소영 민정 수정 유진 지연 혜원 정은",
    (1, 2): "서연 서윤 지우 서현 민서 하은 하윤 윤서 지유 지민 채원 수빈 지아 예은 다은 예린 수아 소윤 지원 유나",
}  # fmt: skip
_SINGLE = {0: "훈 철 현 진 혁 준 건", 1: "진 현 숙 희 영 은 솔"}  # one-syllable given names (about 5 %)


def draw_names(rng: np.random.Generator, gender: np.ndarray, birth_year: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Surname index and given name per person: census surname shares, given names of the person's gender
    and generation, one syllable for about 5 %."""
    n = len(gender)
    p = np.asarray(SURNAME_P) / np.sum(SURNAME_P)
    surname = rng.choice(len(SURNAMES), size=n, p=p)
    era = np.digitize(birth_year, [1965, 1990])
    pick = rng.random(n)
    given = np.empty(n, dtype=object)
    for (g, e), names in _GIVEN.items():
        rows = (gender == g) & (era == e)
        options = np.asarray(names.split())
        given[rows] = options[(pick[rows] * len(options)).astype(np.int64)]
    single = rng.random(n) < 0.05
    for g, names in _SINGLE.items():
        rows = single & (gender == g)
        options = np.asarray(names.split())
        given[rows] = options[rng.integers(0, len(options), rows.sum())]
    return surname, given.astype(str)


def mask_name(surname: np.ndarray, given: np.ndarray) -> np.ndarray:
    """김*수 (3 syllables: middle hidden) and 김* (2 syllables: given name hidden), as a bank masks names."""
    sur = np.asarray(SURNAMES)[surname]
    last = np.array([g[-1] for g in given]) if len(given) else np.array([], dtype=str)
    two = np.char.str_len(given.astype(str)) >= 2
    return np.where(two, np.char.add(np.char.add(sur, "*"), last), np.char.add(sur, "*"))


def full_name(surname: np.ndarray, given: np.ndarray) -> np.ndarray:
    return np.char.add(np.asarray(SURNAMES)[surname], given.astype(str))


# --- resident registration number (주민등록번호, pre-October-2020 scheme) -------------------------------

RRN_WEIGHTS = np.array([2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5])


def rrn_check_digit(first12: np.ndarray) -> np.ndarray:
    """(11 − Σ dᵢ·wᵢ mod 11) mod 10 over the first 12 digits; ``first12`` is an (n, 12) int array."""
    return (11 - (first12 @ RRN_WEIGHTS) % 11) % 10


def draw_rrn(rng: np.random.Generator, birth_day: np.ndarray, gender: np.ndarray) -> np.ndarray:
    """YYMMDD-GRRRRSC: G is 1/2 (born 1900s, M/F) or 3/4 (born 2000s), RRRR a region code, S a serial."""
    n = len(birth_day)
    births = birth_day.astype("datetime64[D]")
    years = births.astype("datetime64[Y]").astype(np.int64) + 1970
    months = births.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (births - births.astype("datetime64[M]")).astype(np.int64) + 1
    g = np.where(years >= 2000, 3, 1) + gender
    digits = np.empty((n, 12), dtype=np.int64)
    yy = years % 100
    digits[:, 0], digits[:, 1] = yy // 10, yy % 10
    digits[:, 2], digits[:, 3] = months // 10, months % 10
    digits[:, 4], digits[:, 5] = days // 10, days % 10
    digits[:, 6] = g
    region = rng.integers(0, 96, n)  # 00–95: the issuing office's region code
    digits[:, 7], digits[:, 8] = region // 10, region % 10
    digits[:, 9:12] = rng.integers(0, 10, (n, 3))
    check = rrn_check_digit(digits)
    text = _digits_to_str(np.column_stack([digits, check]))
    return np.char.add(np.char.add(_slice(text, 0, 6), "-"), _slice(text, 6, 13))


# --- card numbers (Luhn) ---------------------------------------------------------------------------------

# Six-digit prefixes in the ranges Korean issuers use (Visa 4…, Mastercard 5…, domestic BC 9…);
# chosen to look like a Korean wallet, not taken from any issuer's BIN list.
CARD_PREFIXES = ("457973", "451842", "536148", "540926", "949094", "941063", "552576", "465887", "356317")


def luhn_check_digit(body: np.ndarray) -> np.ndarray:
    """Check digit for (n, k) digit rows: double every second digit from the right of the body."""
    k = body.shape[1]
    doubled = np.zeros(k, dtype=bool)
    doubled[k - 1 :: -2] = True  # rightmost body digit is doubled once the check digit is appended
    d = np.where(doubled, body * 2, body)
    d = np.where(d > 9, d - 9, d)
    return (10 - d.sum(axis=1) % 10) % 10


def luhn_valid(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return total % 10 == 0


def draw_card(rng: np.random.Generator, n: int) -> np.ndarray:
    """16 digits as 4-4-4-4, Luhn-valid."""
    prefixes = np.array([[int(c) for c in p] for p in CARD_PREFIXES])
    body = np.column_stack([prefixes[rng.integers(0, len(prefixes), n)], rng.integers(0, 10, (n, 9))])
    text = _digits_to_str(np.column_stack([body, luhn_check_digit(body)]))
    parts = [_slice(text, i, i + 4) for i in (0, 4, 8, 12)]
    return _join(parts, "-")


# --- phones, e-mail, accounts, addresses -----------------------------------------------------------------


def draw_mobile(rng: np.random.Generator, n: int) -> np.ndarray:
    """010-XXXX-XXXX; the middle group starts with 2–9 as issued numbers do."""
    middle = rng.integers(2000, 10000, n).astype(str)
    last = np.char.zfill(rng.integers(0, 10000, n).astype(str), 4)
    return _join([np.full(n, "010"), middle, last], "-")


_EMAIL_DOMAINS = ("naver.com", "gmail.com", "daum.net", "hanmail.net", "kakao.com", "nate.com")
_ROMAN = (
    "kim", "lee", "park", "choi", "jung", "kang", "cho", "yoon", "jang", "lim", "han", "oh", "seo", "shin",
    "kwon", "hwang", "ahn", "song", "ryu", "jeon", "hong", "ko", "moon", "yang", "son", "bae", "baek", "heo",
    "yoo", "nam", "shim", "noh", "ha", "kwak", "sung", "cha", "joo", "woo", "koo", "min",
)  # romanised SURNAMES, same order  # fmt: skip
_HANDLE_WORDS = ("sky", "sun", "star", "happy", "blue", "love", "min", "jin", "hope", "day", "moon", "dream")


def draw_email(rng: np.random.Generator, surname: np.ndarray) -> np.ndarray:
    roman = np.asarray(_ROMAN)[surname]
    word = np.asarray(_HANDLE_WORDS)[rng.integers(0, len(_HANDLE_WORDS), len(surname))]
    num = rng.integers(1, 10000, len(surname)).astype(str)
    domain = np.asarray(_EMAIL_DOMAINS)[rng.integers(0, len(_EMAIL_DOMAINS), len(surname))]
    return _join([np.char.add(np.char.add(word, roman), num), domain], "@")


# bank account number shapes (digit groups) of major Korean banks
ACCOUNT_SHAPES = {
    "국민": (6, 2, 6),
    "신한": (3, 3, 6),
    "우리": (4, 3, 6),
    "하나": (3, 6, 5),
    "농협": (3, 4, 4, 2),
    "기업": (3, 6, 2, 3),
    "부산": (3, 2, 6),
}
_BANK_FIRST = {"국민": "9", "신한": "1", "우리": "1", "하나": "2", "농협": "3", "기업": "0", "부산": "1"}


def draw_account_number(rng: np.random.Generator, n: int) -> np.ndarray:
    banks = list(ACCOUNT_SHAPES)
    which = rng.integers(0, len(banks), n)
    out = np.empty(n, dtype=object)
    for b, bank in enumerate(banks):
        rows = np.flatnonzero(which == b)
        if not len(rows):
            continue
        shape = ACCOUNT_SHAPES[bank]
        digits = _digits_to_str(rng.integers(0, 10, (len(rows), sum(shape))))
        digits = np.char.add(_BANK_FIRST[bank], _slice(digits, 1, sum(shape)))
        parts, pos = [], 0
        for width in shape:
            parts.append(_slice(digits, pos, pos + width))
            pos += width
        out[rows] = _join(parts, "-")
    return out.astype(str)


SIGUNGU = {
    "서울특별시": ("강남구", "서초구", "송파구", "마포구", "영등포구", "노원구", "관악구", "종로구", "성북구",
               "강서구"),
    "부산광역시": ("해운대구", "부산진구", "동래구", "사하구", "남구", "수영구"),
    "대구광역시": ("수성구", "달서구", "북구", "중구", "동구"),
    "인천광역시": ("남동구", "부평구", "연수구", "서구", "미추홀구"),
    "광주광역시": ("북구", "서구", "광산구", "남구"),
    "대전광역시": ("서구", "유성구", "중구", "대덕구"),
    "울산광역시": ("남구", "중구", "북구", "울주군"),
    "세종특별자치시": ("조치원읍", "연기면", "부강면"),
    "경기도": ("수원시 영통구", "성남시 분당구", "고양시 일산동구", "용인시 수지구", "부천시", "화성시",
             "안산시 단원구", "평택시", "의정부시", "남양주시", "파주시", "김포시"),
    "강원특별자치도": ("춘천시", "원주시", "강릉시", "속초시"),
    "충청북도": ("청주시 흥덕구", "충주시", "제천시"),
    "충청남도": ("천안시 서북구", "아산시", "서산시", "당진시"),
    "전북특별자치도": ("전주시 완산구", "군산시", "익산시"),
    "전라남도": ("여수시", "순천시", "목포시", "나주시"),
    "경상북도": ("포항시 남구", "구미시", "경산시", "안동시"),
    "경상남도": ("창원시 성산구", "김해시", "진주시", "양산시", "거제시"),
    "제주특별자치도": ("제주시", "서귀포시"),
}  # fmt: skip
_ROAD_STEMS = ("중앙", "시청", "역전", "문화", "평화", "번영", "희망", "학교", "공원", "신흥", "대학", "산업",
               "새마을", "동문", "서문", "남부", "북부", "강변", "해안", "청계")  # fmt: skip


def draw_address(rng: np.random.Generator, sido_names: np.ndarray) -> np.ndarray:
    """시/도 시/군/구 ○○로[N길] 건물번호 (a road-name address; 세종 has no 구, so 읍/면 stands in)."""
    n = len(sido_names)
    gu = np.empty(n, dtype=object)
    for name, options in SIGUNGU.items():
        rows = np.flatnonzero(sido_names == name)
        gu[rows] = np.asarray(options)[rng.integers(0, len(options), len(rows))]
    road = np.char.add(np.asarray(_ROAD_STEMS)[rng.integers(0, len(_ROAD_STEMS), n)], "로")
    lane = rng.integers(0, 60, n)
    road = np.where(lane >= 30, road, np.char.add(np.char.add(road, lane.astype(str)), "길"))
    building = rng.integers(1, 300, n).astype(str)
    return _join([sido_names.astype(str), gu.astype(str), road, building], " ")


# --- small string helpers over numpy arrays -------------------------------------------------------------


def _digits_to_str(digits: np.ndarray) -> np.ndarray:
    """(n, k) ints 0–9 → n strings of k characters."""
    if not len(digits):
        return np.array([], dtype=str)
    codes = (digits.astype(np.uint8) + ord("0")).astype(np.uint8)
    return np.frombuffer(np.ascontiguousarray(codes).tobytes(), dtype=f"S{digits.shape[1]}").astype(str)


def _slice(text: np.ndarray, start: int, stop: int) -> np.ndarray:
    return np.array([s[start:stop] for s in text], dtype=str) if len(text) else text


def _join(parts: list[np.ndarray], sep: str) -> np.ndarray:
    out = parts[0].astype(str)
    for part in parts[1:]:
        out = np.char.add(np.char.add(out, sep), part.astype(str))
    return out
