"""Person names written inside free text (memos, counsel notes), found only where the text says a name stands.

A surname rule alone cannot work in a bank memo: 지점장님, 주거래 고객, 이자 납입, 김포, 정기예금 all start
with a common surname. So a name is read only in one of four contexts, each with its own confidence:

- ``label``: after a word that announces a name (성명, 고객명, 예금주, 차주, 보증인, 대표자, 담당자 …):
  ``성명: 홍길동``, ``예금주 김민서로 변경``, ``고객명:남궁 민수``;
- ``title``: before an honorific or a job title (님, 씨, 고객님, 여사님, 과장, 대리 …): ``홍길동님``,
  ``이영희 고객님께 안내``, ``박민수 과장``;
- ``phone``: right before a phone number: ``홍길동(010-1234-5678)``, ``김민서 010.5829.3716``;
- ``roman``: a romanised name after a label or Mr/Ms: ``Name: HONG GIL DONG``, ``예금주: Hong Gil-dong``.

The word found there must then *look* like a name: a common surname, given-name syllables from
``GIVEN``, three syllables (two after a label with a colon; three or four with a two-syllable surname), and
not a title, role or common noun of ``STOPWORDS`` (배우자, 이사장, 신청서, 강남구 …). Syllables may be
written apart (``홍 길 동``, ``남궁 민수``). Romanised names need one word that is a Korean surname's
spelling (Kim, Lee, Park, Choi …).

Everything is vectorised polars, like ``identifiers``: candidates are pulled out with ``extract_all``, each
one's parts with ``extract_groups``, and validated as a list. ``found`` gives the names as written, which
``identifiers`` redacts with the rest (the name's span only; the memo is kept).
"""

from __future__ import annotations

import polars as pl

from workbench.privacy import patterns as p

CONTEXTS: tuple[str, ...] = ("label", "title", "phone", "roman")
CONFIDENCE: dict[str, float] = {"label": 0.95, "roman": 0.9, "title": 0.85, "phone": 0.8}  # one place

# --- what a Korean name is made of -----------------------------------------------------------------------

_S1 = p.SURNAMES_1
_S2 = "|".join(p.SURNAMES_2)
# syllables that stand in given names (민준, 서연, 영자, 하늘, 보람 …); nouns that begin with a surname mostly
# hold one that is not here (지점장, 주거래, 박람회, 김포), the rest are in STOPWORDS
GIVEN = (
    "가각간갑강건겸경계고관광교구국군권규균근금기길나난남내녀늘다단달담대덕도돈동두라란람랑래량려련렬령례로록"
    "롱룡루류륜률름리린림마만말매명모목무문미민바박반배백범법별병보복봉부분빈빛사산삼상새샘서석선설섭성세소솔"
    "솜송수숙순술숭슬승시식신실심아안애야양언엄여연열염엽영예오옥온완왕요용우욱운웅원월위유윤율융은을음의이익"
    "인일임자재전정제조종주준지직진찬창채천철청초춘충치태택평표필하학한해행향헌혁현형혜호홍화환황효후훈휘흠희"
)
_G = f"[{GIVEN}]"
_NAME3 = rf"(?:{_S2}){_G}{{1,2}}|[{_S1}]{_G}{{2}}"  # 남궁민, 남궁민수 (before 선우다|은), 홍길동
_NAME2 = rf"[{_S1}]{_G}"  # 김구: only after a label with a colon
# words after a name in the same word: particles and honorifics (홍길동으로, 김민서님께, 이영희씨가)
_PARTICLES = (
    r"(?:님|씨|고객님|고객)?(?:께서|에게|께|으로|로|이고|이며|이나|입니다|이다|이|가|은|는|을|를|의|와|과|도|만|외|등)?"
)

# titles, roles, kin and common nouns that a surname rule would read as names (joined form, no spaces)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = _words(
    """
    지점장 부지점장 이사장 위원장 조합장 구청장 시장님 원장님 소장님 본부장 센터장 팀장님 실장님 차장님 부장님
    과장님 대리님 주임님 계장님 사원님 행원님 회장님 사장님 전무님 상무님 감사님 이사님 고문님 위원님 선생님
    고객님 회원님 손님들 어르신 사모님 여사님 부모님 어머님 아버님 형님들 누님들 조합원 공무원 군무원 상담원
    안내원 수납원 행원들 직원들 고객들 주거래 신규자 기존자 우수자 배우자 이용자 명의자 명의인 신청자 신청인 소유자
    보유자 가입자 방문자 채무자 채권자 고령자 장애인 한부모 임대인 임차인 임대차 상속인 상속자 수익자 수령자
    수령인 동거인 관리인 구의원 도의원
    연대인 보호자 대표자 담당자 관리자 운영자 사업자 근로자 연금자 수급자 주부님 학생들 예금주
    차주님 보증인 위임인 수임인 대리인 본인들 당사자 제삼자 외국인 내국인 거주자 성년자 미성년 청년층 노년층
    주소지 거주지 소재지 근무지 연락처 전화번호 신청서 동의서 확인서 증명서 위임장 약정서 계약서 신분증 통장들
    정기예 정기적 금일자 당일자 익일자 전일자 신용도 주택가 전세가 시세가 감정가 공시가 한도액 잔액이 이자액
    강남구 강서구 강동구 서초구 송파구 양천구 구로구 금천구 노원구 도봉구 성동구 성북구 용산구 은평구 동작구
    관악구 마포구 중랑구 광진구 동대문 서대문 영등포 남양주 하남시 구리시 안양시 안산시 오산시 이천시 김포시
    여주시 양주시 성남시 수원시 용인시 화성시 평택시 부천시 고양시 파주시 광명시 시흥시 군포시 의왕시 과천시
    동두천 연천군 가평군 양평군 전주시 천안시 청주시 원주시 강릉시 춘천시 진주시 구미시 경주시 김해시 양산시
    제주시 서귀포 남동구 연수구 부평구 계양구 수성구 달서구 해운대 동래구 사하구 금정구 기장군 유성구 서구청
    남구청 동구청 북구청 중구청 이번주 이번달 지난주 지난달 다음주 다음달 금주중 금월중 전년도 금년도 전월분
    이자분 원금분 연체분 상환분 나머지 우선적 정상적 일시적 지속적 추가적 부분적 개인적 신용카 체크카 주택청
    안내문 안내장 문자로 전화로 방문시 내방시 상담시 확인시 신청시 만기시 해지시 가입시 연장시
    """
)
# a surname and a title is no name (이대리, 박팀장): the part after the surname may not be one of these
_TITLE_WORDS = _words(
    "대리 과장 차장 부장 팀장 실장 주임 계장 사원 행원 이사 대표 사장 원장 소장 선생 기사 교수 여사 고객 회장"
)

# a word ending in 장 or 사 is a title or a trade (은행장, 지사장, 변호사, 설계사), hardly ever a given name
_TITLE_END = "[장사]$"

# --- contexts --------------------------------------------------------------------------------------------

_NB = r"\b"  # a name starts a word (nothing consumed, so a match never hides the next one)
_LABELS = (
    r"고객성명|고객명|성명|성함|이름|예금주명|예금주|차주명|차주|연대보증인|보증인명|보증인|대표자명|대표자|대표이사"
    r"|담당자명|담당자|담당직원|담당|명의자|명의인|수취인명|수취인|송금인|입금자명|입금자|신청인|보호자|상담자|계약자"
    r"|피보험자|가입자|소유자|임차인|임대인|채무자|고객"
)
# a spaced name: 남궁 민수, 홍 길 동, 홍 길동; else one word (its particles are split off in validation)
_SPACED = rf"(?:{_S2}) [가-힣]{{1,2}}|[{_S1}](?: [가-힣]){{1,2}}|[{_S1}] [가-힣]{{2}}"
_TITLES = (
    r"고객님|고객|님|씨|여사님|여사|선생님|사장님|대표님|원장님|지점장님|지점장|팀장님|팀장|과장님|과장|차장님"
    r"|차장|부장님|부장|대리님|대리|실장님|실장|주임님|주임|계장님|계장|사원|행원|이사님|교수님|기사님"
)
_PHONE_NEAR = r"\s?[(\[/:,_]?\s?(?:\+\s?82|0)[ \t.\-]?(?:\(0\)\s?)?\d{1,2}\)?[ \t.\-]?\d{3,4}[ \t.\-]?\d{4}"
_ROMAN_LABELS = rf"(?:{_LABELS}|영문명|영문성명|영문이름|[Nn]ame|NAME|Mr|Mrs|Ms|MR|MRS|MS)"
_ROMAN_WORD = r"[A-Z][A-Za-z]*(?:-[A-Za-z]+)?"
ROMAN_SURNAMES = _words(
    """
    kim gim lee yi rhee ri park pak bak choi choe jung jeong chung cheong kang gang cho jo yoon yun jang chang lim im
    rim han oh seo suh shin sin kwon gwon hwang ahn an song ryu yoo yu you jeon jun chun hong ko go moon mun yang son
    sohn bae baek paek heo hur huh nam shim sim noh roh no ha kwak gwak sung seong cha joo ju woo wu koo gu ku min jin
    chin na ji um eom chae won cheon bang kong gong hyun hyeon ham byun byeon yeom yum yeo choo chu do doh so seok suk
    seol sul ma kil gil yeon wi pyo myung myeong ki gi ban ra la wang keum geum ok yook yuk maeng je mo tak kook guk
    namgung hwangbo jegal sunwoo seonwoo seonu dokgo sagong
    """
)

# the checks as patterns, not sets: they run inside ``list.eval`` where a pattern is compiled once
_NOT_A_NAME = rf"^(?:{'|'.join(sorted(STOPWORDS))})$|^.(?:{'|'.join(sorted(_TITLE_WORDS))})$|{_TITLE_END}"
_ROMAN_SURNAME = rf"(?i)(?:^|[ \-])(?:{'|'.join(sorted(ROMAN_SURNAMES))})(?:$|[ \-])"

# one pattern per context, each run on its own so a match of one never hides a match of another
# (``확인 고객`` read as a title must not swallow the label of ``고객명 PARK EUN JI``)
FINDERS: dict[str, str] = {
    "label": rf"(?:{_LABELS})(?P<sep>\s*[:：=]\s*|\s*[(\[]\s*|\s+)(?P<w>{_SPACED}|[가-힣]{{2,7}})\b",
    "title": rf"{_NB}(?P<w>{_SPACED}|[가-힣]{{3,5}})\s?(?:{_TITLES})",  # two syllables never pass here
    "phone": rf"{_NB}(?P<w>{_SPACED}|[가-힣]{{3,4}}){_PHONE_NEAR}",
    "roman": rf"{_ROMAN_LABELS}\.?\s*[:：=]?\s*(?P<w>{_ROMAN_WORD}(?:[ ]{_ROMAN_WORD}){{1,2}})",
}


def _hangul(word: pl.Expr, *, short: pl.Expr | bool) -> pl.Expr:
    """The name in ``word`` as written, or null: a spaced name is checked joined; a word may carry
    particles or an honorific (``홍길동으로``, ``김민서님``) that are cut off. ``short`` allows a
    two-syllable name (김구)."""
    spaced = word.str.contains(" ")
    joined = word.str.replace_all(" ", "")
    three = joined.str.extract(rf"^({_NAME3}){_PARTICLES}$", 1)
    two = joined.str.extract(rf"^({_NAME2}){_PARTICLES}$", 1)
    allow_two = short if isinstance(short, pl.Expr) else pl.lit(short)
    name = pl.when(three.is_not_null()).then(three).when(allow_two).then(two)
    name = pl.when(name.str.contains(_NOT_A_NAME)).then(None).otherwise(name)
    # a spaced name is written as found (no particles were allowed in it)
    return pl.when(spaced & (name == joined)).then(word).when(~spaced).then(name)


def _roman(words: pl.Expr) -> pl.Expr:
    """A romanised name as written when one of its words spells a Korean surname (Hong, KIM, Gil-dong no)."""
    has_surname = words.str.contains(_ROMAN_SURNAME)
    return pl.when(has_surname).then(words)


def _name_in(context: str, cand: pl.Expr) -> pl.Expr:
    """One match of ``FINDERS[context]`` → the name in it as written, or null."""
    g = cand.str.extract_groups(FINDERS[context])
    word = g.struct.field("w")
    if context == "roman":
        return _roman(word)
    colon = g.struct.field("sep").str.contains(r"[:：=]").fill_null(False) if context == "label" else False
    return _hangul(word, short=colon)


def found_in_context(s: pl.Expr) -> pl.Expr:
    """Per row: a list of ``{context, name}`` structs, one per name found (name as written)."""
    text = s.cast(pl.String)
    per_context = [
        text.str.extract_all(pattern)
        .list.eval(pl.struct(pl.lit(context).alias("context"), _name_in(context, pl.element()).alias("name")))
        .list.filter(pl.element().struct.field("name").is_not_null())
        for context, pattern in FINDERS.items()
    ]
    return pl.concat_list(per_context)


def found(s: pl.Expr) -> pl.Expr:
    """Per row: the names written in the text, as written (a list, maybe empty)."""
    return found_in_context(s).list.eval(pl.element().struct.field("name")).list.unique(maintain_order=True)


def context_counts(frame: pl.DataFrame | pl.LazyFrame, column: str) -> dict[str, int]:
    """How many rows of ``column`` hold a name in each context (a row may count in several)."""
    ctx = found_in_context(pl.col(column)).list.eval(pl.element().struct.field("context"))
    row = frame.lazy().select([ctx.list.contains(c).sum().alias(c) for c in CONTEXTS]).collect().row(0, named=True)
    return {c: int(row[c] or 0) for c in CONTEXTS}


def confidence(counts: dict[str, int]) -> float:
    """The confidence of the strongest context seen: a label says more than a title after a word."""
    return max((CONFIDENCE[c] for c, n in counts.items() if n), default=0.0)


__all__ = ["CONFIDENCE", "CONTEXTS", "STOPWORDS", "confidence", "context_counts", "found", "found_in_context"]
