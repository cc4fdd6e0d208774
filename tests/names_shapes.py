"""Bank memos with and without person names, in the shapes branch staff write them (test data).

The names come from lists of this file (surnames by frequency, given names by era, romanised spellings),
kept apart from the rule's own syllable list in ``workbench.privacy.names`` so recall is measured, not
assumed. The name-free memos are made of the phrases a counsel note holds: products, places, titles and
roles, labels without a name after them, branch phone numbers, dates and amounts.
"""

from __future__ import annotations

import numpy as np


def _words(text: str) -> list[str]:
    return text.split()


# surnames roughly by share of the population (김 21 %, 이 15 %, 박 8 % …), then two-syllable surnames
SURNAMES = list(
    "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용"
)
_W = [21.5, 14.7, 8.4, 4.7, 4.3, 2.4, 2.1, 2.1, 2.0, 2.0, 1.5, 1.5, 1.5, 1.5, 1.4, 1.4, 1.4, 1.4, 1.1, 1.1, 1.1]
SURNAME_P = np.array(_W + [0.5] * (len(SURNAMES) - len(_W)))
SURNAME_P = SURNAME_P / SURNAME_P.sum()
COMPOUND = ["남궁", "제갈", "황보", "선우", "독고"]

GIVEN = _words(
    # born 1940s–1960s
    "영수 영호 영철 상철 정호 성호 성수 동수 진호 광수 종수 상훈 병철 용수 재석 기영 순자 영자 정숙 영숙 명숙 옥순 "
    "말순 경자 정자 춘자 복순 순희 영희 미자 현숙 혜숙 경숙 "
    # 1970s–1980s
    "성민 재훈 지훈 동훈 준호 민수 철수 경수 태호 정훈 상민 현철 동욱 성진 재원 승현 미경 미영 은영 현주 지영 은정 "
    "미정 수진 민지 유진 혜원 경희 정희 선영 은주 미란 소영 지혜 수정 은희 "
    # 1990s–2010s
    "민준 서준 도윤 예준 시우 하준 주원 지호 지후 준우 준서 건우 현우 우진 선우 서진 민재 현준 연우 유준 정우 승우 "
    "시윤 준혁 은우 지환 승민 유찬 윤우 민성 준영 시후 진우 지원 수현 재윤 동현 서연 서윤 지우 서현 민서 하은 하윤 "
    "윤서 지유 지민 채원 수아 지아 지윤 은서 다은 예은 수빈 소율 예린 지현 "
    # native Korean names
    "하늘 보람 나래 슬기 한별 아름 가람 초롱 "
    # one syllable
    "구 준 훈 민 혁 솔"
)

ROMAN_SURNAMES = ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Shin", "Hong"]
ROMAN_GIVEN = ["Gil-dong", "Minjun", "Seo-yeon", "Young-ho", "Ji-woo", "Hyun Woo", "Su Jin", "Jae Won", "Eun Ji"]

LABELS_COLON = ["성명", "이름", "고객명", "예금주", "차주", "보증인", "대표자", "담당자", "성함", "수취인", "차주명"]
LABELS_BARE = ["성명", "고객명", "예금주", "차주", "보증인", "연대보증인", "대표자", "담당자", "고객"]
TITLES = ["님", " 님", "씨", " 씨", " 고객님", " 고객", "고객님", " 여사님", " 과장", " 대리", " 팀장님", " 사장님"]
PARTICLES = ["", "으로", "에게", "의", "과", "님께"]

# --- phrases of a counsel note -------------------------------------------------------------------------------

OPENERS = [
    "지점장님 방문",
    "주거래 고객 우대",
    "김치냉장고 구입 대출 문의",
    "이자 납입 완료",
    "부동산 박람회 참석 후 내점",
    "정기예금 만기 도래",
    "고객님께 안내",
    "김포 공항점 방문",
    "이천 지점 이관",
    "강남 역삼동 아파트 담보",
    "서초동 오피스텔 전세",
    "분당 정자동 상가",
    "천안 아산 공장 부지",
    "여수 엑스포 박람회",
    "신규 고객 상담",
    "VIP 고객 응대",
    "우수 고객 금리 우대",
    "기존 고객님 재방문",
    "외국인 고객님 통역 요청",
    "장애인 고객 응대",
    "고령 고객님께 천천히 설명",
    "노년층 고객 대상 설명회",
    "전화 상담",
    "방문 상담",
    "내점 상담",
    "모바일 뱅킹 문의",
    "인터넷 뱅킹 비밀번호 재설정",
    "카드 재발급 요청",
    "자동이체 등록",
    "주소 변경",
    "고객 정보 변경",
    "고객 주소지 변경",
    "고객 신청서 작성",
    "고객 동의서 징구",
    "성명 변경 요청",
    "성명 정정 완료",
    "이름 오기 수정",
    "예금주 확인 완료",
    "예금주 불일치로 반송",
    "차주 본인 내점",
    "차주 변경 불가 안내",
    "보증인 추가 입보",
    "보증인 심사 중",
    "대표자 변경 등기 확인",
    "대표자 교체 예정",
    "담당자 부재중",
    "담당자 변경 안내",
    "고객명 확인 필요",
    "명의자 본인 확인",
    "수취인 불명",
    "입금자 확인 중",
    "신청인 서류 미비",
    "보호자 동반 내점",
    "가입자 안내",
    "김 과장님께 보고",
    "이 대리 처리",
    "박 팀장 확인",
    "최 차장님 결재",
    "부모님 동의서 지참",
    "사모님 대리 내점 불가 안내",
    "선생님 추천으로 가입",
    "원장님 소개",
    "이사장님 면담",
    "대표님 전화",
    "사장님 내점",
    "조합장님 방문",
    "구청장님 행사",
    "어머님 대리 수령 문의",
    "회원님께 문자 발송",
    "홍보물 배부",
    "임대차 계약서 확인",
    "전세 보증금 반환",
    "신용 등급 하락",
    "한도 증액 요청",
    "금리 인하 요구",
    "만기 해지",
    "중도 상환 수수료 문의",
    "남은 원금 일시 상환",
    "조기 상환 희망",
    "장기 연체 안내",
    "연금 수령 계좌 변경",
    "노후 자금 상담",
    "국민 연금 수령",
    "정부 지원 대출",
    "안심 전환 대출",
    "보금자리론 신청",
    "디딤돌 대출 심사",
    "청년 전세 대출",
    "주택 청약 통장 개설",
    "학자금 대출 상환",
    "혼수 자금 대출",
    "차량 구입 오토론",
    "보험 해약 환급금",
    "연금 저축 이전",
    "IRP 가입",
    "ISA 개설",
    "펀드 환매 요청",
    "달러 예금 가입",
    "엔화 환전",
    "해외 송금 사유 확인",
    "수출 대금 입금",
    "사업자 대출 상담",
    "소상공인 지원 자금",
    "신용 보증 기금 보증서 발급",
    "근저당 설정 등기",
    "말소 등기 완료",
    "등기부 등본 징구",
    "인감 증명서 지참",
    "가족관계 증명서 제출",
    "재직 증명서 제출",
    "원천징수 영수증 제출",
    "건강보험 자격득실 확인",
    "사업자 등록증 사본",
    "공무원 고객 대출",
    "고령자 고객 우대",
    "한부모 가정 지원",
    "배우자 동의 필요",
    "이용자 안내",
    "신용도 하락",
    "전년도 소득 기준",
    "다음주 재방문 예정",
    "지난달 연체 해소",
    "강남구 거주",
    "서초구 아파트",
    "이천시 공장",
    "김포시 토지",
    "하남시 신도시",
    "남양주 별내",
    "수원시 영통",
    "전주시 한옥마을 상가",
    "진주시 농협 이관",
    "우리은행 타행 이체",
    "국민은행 대환",
    "하나은행 계좌 해지",
    "신한카드 결제",
    "기업은행 중도금",
    "새마을금고 대출 상환",
    "담당 직원 친절 응대",
    "신입 행원 교육",
    "고객 불만 접수",
    "민원 고객 응대",
    "이전 담당자 퇴사",
    "대리 수령 불가",
    "대리인 위임장 지참",
    "가족 대리 신청",
    "본인 확인 후 처리",
    "모친 대리 내점",
    "부친 사망으로 상속 절차",
    "상속인 전원 동의",
    "자녀 명의 통장 개설",
    "아들 명의로 이체",
    "딸 결혼 자금",
    "손자 학자금",
    "남편 명의 아파트",
    "아내 동의 필요",
    "배우자 소득 합산",
    "형제 공동 명의",
    "며느리 대리 방문",
    "친구 소개 내점",
    "지인 추천",
    "거래처 사장님 소개",
    "단골 고객님",
    "전담 직원 배정",
    "PB 상담",
    "WM 센터 연계",
    "자산관리 고객",
    "법무사 사무실 연락",
    "변호사님 동석",
    "감정평가사 방문",
    "공인중개사님 전화",
    "세무사님 자료 요청",
    "설계사님 소개",
    "전도사님 헌금 계좌",
    "선교사님 해외 송금",
    "부원장님 대출 상담",
    "부사장님 법인 계좌",
    "은행장님 표창",
    "지부장님 면담",
    "지사장님 방문",
    "사무장님 서류 전달",
    "도지사님 행사",
    "구의원님 민원",
    "관리사무소 확인",
    "주민센터 서류",
    "구청 민원실",
    "세무서 확인",
    "법원 경매",
    "압류 해제",
    "가압류 통지",
    "채권 추심",
    "신용회복 위원회",
    "개인회생 신청",
    "파산 면책",
    "이벤트 당첨 고객님",
    "정보 제공 동의 고객",
    "김장철 특판",
    "박스 포장 택배",
    "강추 상품 안내",
    "정기적금 자동 연장",
    "동의서 재징구",
    "신분증 진위 확인",
    "연락처 변경",
    "상담원 연결 요청",
    "조합원 가입",
]
TAILS = [
    "",
    "완료",
    "예정",
    "요청",
    "안내함",
    "확인 필요",
    "재방문 예정",
    "서류 보완 요청",
    "전화 회신 요망",
    "처리 완료",
    "검토 중",
    "결재 올림",
    "다음 주 재상담",
    "금리 0.3%p 우대",
    "1,200만원",
    "3.5%",
    "2024-03-15 만기",
    "2025.01.10 재약정",
    "기한 연장",
    "지점장님 승인",
    "본점 심사 의뢰",
    "고객님께 안내함",
    "문자 발송",
]
BRANCH_PHONES = [
    "강남지점 02-555-1234",
    "이천지점(031-634-1234)",
    "김포점 031-987-6543",
    "고객센터 1588-1234",
    "콜센터 1577-0000",
    "연락처 010-2345-6789",
    "자택 02-123-4567",
    "직장 031-123-4567",
    "휴대폰 010-9876-5432",
    "팩스 02-2000-1234",
    "본점 영업부 02-2000-1234",
]


def _given(rng: np.random.Generator) -> str:
    return GIVEN[rng.integers(len(GIVEN))]


def korean_name(rng: np.random.Generator, *, compound: bool = False, full: bool = True) -> str:
    """A surname drawn by frequency (or a two-syllable surname) and a given name of one era."""
    sur = COMPOUND[rng.integers(len(COMPOUND))] if compound else SURNAMES[rng.choice(len(SURNAMES), p=SURNAME_P)]
    given = _given(rng)
    while full and len(given) < 2:  # titles and phones come after full names; labels take 김구 too
        given = _given(rng)
    return sur + given


def roman_name(rng: np.random.Generator) -> str:
    sur, given = ROMAN_SURNAMES[rng.integers(len(ROMAN_SURNAMES))], ROMAN_GIVEN[rng.integers(len(ROMAN_GIVEN))]
    form = rng.integers(3)
    if form == 0:
        return f"{sur} {given}".upper().replace("-", " ")  # HONG GIL DONG
    if form == 1:
        return f"{sur} {given}"  # Hong Gil-dong
    return f"{given.replace(' ', '')} {sur}"  # Gil-dong Hong


def _pick(rng: np.random.Generator, xs: list[str]) -> str:
    return xs[rng.integers(len(xs))]


def _phone(rng: np.random.Generator) -> str:
    a, b = rng.integers(1000, 10000, size=2)
    return _pick(rng, [f"010-{a}-{b}", f"010.{a}.{b}", f"010 {a} {b}", f"+82-10-{a}-{b}"])


FORMS = ("label colon", "label bare", "title", "spaced", "compound", "roman", "phone")


def name_memo(rng: np.random.Generator, form: str) -> tuple[str, str]:
    """One memo holding one name written in ``form``: (memo, the name as written)."""
    head, tail = _pick(rng, OPENERS), _pick(rng, TAILS)
    if form == "label colon":
        name = korean_name(rng, full=False)
        sep = _pick(rng, [": ", ":", " : ", "："])
        return f"{head}. {_pick(rng, LABELS_COLON)}{sep}{name} {tail}".strip(), name
    if form == "label bare":
        name = korean_name(rng)
        return f"{_pick(rng, LABELS_BARE)} {name}{_pick(rng, PARTICLES)} {head} {tail}".strip(), name
    if form == "title":
        name = korean_name(rng)
        return f"{head}, {name}{_pick(rng, TITLES)} {tail}".strip(), name
    if form == "spaced":
        name = " ".join(korean_name(rng))
        if rng.integers(2):
            return f"{_pick(rng, LABELS_COLON)}: {name} {head}", name
        return f"{name} 님 {head} {tail}".strip(), name
    if form == "compound":
        name = korean_name(rng, compound=True, full=False)
        if rng.integers(2):
            name = name[:2] + " " + name[2:]  # 남궁 민수
        if rng.integers(2):
            return f"{_pick(rng, LABELS_COLON)}: {name} {head}", name
        return f"{head} {name}{_pick(rng, TITLES)} {tail}".strip(), name
    if form == "roman":
        name = roman_name(rng)
        label = _pick(rng, ["Name: ", "NAME: ", "name : ", "영문명: ", "예금주: ", "고객명 ", "Mr. ", "Ms "])
        return f"{head} {label}{name} {tail}".strip(), name
    if form == "phone":
        name = korean_name(rng)
        sep = _pick(rng, [" ", "(", "/", ": ", ", "])
        end = ")" if sep == "(" else ""
        return f"{head} {name}{sep}{_phone(rng)}{end} {tail}".strip(), name
    raise ValueError(form)


def name_memos(n: int, seed: int = 17) -> list[tuple[str, str, str]]:
    """``n`` memos, the forms in turn: (memo, name as written, form)."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        form = FORMS[i % len(FORMS)]
        memo, name = name_memo(rng, form)
        out.append((memo, name, form))
    return out


def clean_memos(n: int, seed: int = 18) -> list[str]:
    """``n`` name-free memos: one to three phrases, a tail, now and then a branch phone number."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        parts = [_pick(rng, OPENERS) for _ in range(rng.integers(1, 4))]
        if rng.random() < 0.2:
            parts.append(_pick(rng, BRANCH_PHONES))
        parts.append(_pick(rng, TAILS))
        out.append(", ".join(p for p in parts if p))
    return out
