from datetime import date

import pytest

from domain.agencies import Gazetteer
from retrieval.query import Intent, understand

TODAY = date(2025, 9, 10)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("Hạn xây dựng kế hoạch phát triển hạ tầng số là khi nào?", Intent.DEADLINE),
        ("han chot xay dung ke hoach ha tang so la khi nao", Intent.DEADLINE),
        ("Ai chủ trì đề án đô thị thông minh?", Intent.LEAD),
        ("co quan nao chu tri de an do thi thong minh", Intent.LEAD),
        ("Những cơ quan nào phối hợp triển khai bệnh án điện tử?", Intent.COORDINATING),
        ("Sở Y tế chủ trì những nhiệm vụ nào?", Intent.AGENCY_TASKS),
        ("so y te chu tri nhung nhiem vu nao", Intent.AGENCY_TASKS),
        ("Nhiệm vụ nào sắp đến hạn?", Intent.DUE),
        ("nhung nhiem vu nao da qua han", Intent.DUE),
        ("Kết quả đầu ra của nhiệm vụ rà soát văn bản là gì?", Intent.OUTPUT),
        ("Tiêu chí camera giám sát là bắt buộc hay mở rộng?", Intent.CRITERION),
        ("Chỉ tiêu kinh tế số đến 2030 là bao nhiêu phần trăm GRDP?", Intent.TARGET),
        ("Hệ thống hội nghị truyền hình có bao nhiêu điểm cầu?", Intent.GENERAL),
        (
            "Đài Phát thanh - Truyền hình và Báo Bình Phước chủ trì nhiệm vụ nào?",
            Intent.AGENCY_TASKS,
        ),
        ("Sở Tư pháp phối hợp những nhiệm vụ nào?", Intent.AGENCY_TASKS),
        ("Kế hoạch thực hiện NQ 57 có bao nhiêu nhiệm vụ?", Intent.TASK_LIST),
        ("Những nhiệm vụ nào có thời hạn trong năm 2026?", Intent.DUE),
        ("Kết quả của nhiệm vụ 21 là gì?", Intent.OUTPUT),
        ("Kế hoạch phát triển hạ tầng số phải nộp sản phẩm gì?", Intent.OUTPUT),
        ("Sở Tài chính được giao làm gì?", Intent.AGENCY_TASKS),
        ("so tai chinh phai lam gi", Intent.AGENCY_TASKS),
        ("danh sach nhiem vu cua so giao duc", Intent.AGENCY_TASKS),
        ("Nhiệm vụ của Sở Y tế là gì?", Intent.AGENCY_TASKS),
        ("Danh sách nhiệm vụ của kế hoạch NQ 57", Intent.TASK_LIST),
        # cues are whole words: "phải làm" is not the lead cue "ai làm"
        ("Nhiệm vụ 27 phải làm gì?", Intent.GENERAL),
        ("Trong năm 2026 Sở KH&CN phải hoàn thành những nhiệm vụ nào?", Intent.DUE),
    ],
)
def test_intents_with_and_without_diacritics(gaz: Gazetteer, question: str, intent: Intent):
    assert understand(question, gaz, TODAY).intent is intent


def test_entities(gaz: Gazetteer):
    q = understand("Theo KH thực hiện NQ 57, nhiệm vụ 62 của Sở TT&TT hạn năm 2025?", gaz, TODAY)
    assert q.agencies == ("Sở Thông tin và Truyền thông",)
    assert q.task_number == "62"
    assert q.years == ("2025",)
    assert "57" in q.doc_hints
    assert "57" not in q.search_text.split()


def test_agency_without_diacritics_and_alias(gaz: Gazetteer):
    assert understand("so khoa hoc va cong nghe chu tri gi", gaz, TODAY).agencies == (
        "Sở Khoa học và Công nghệ",
    )
    assert understand("Sở KH&CN chủ trì gì?", gaz, TODAY).agencies == ("Sở Khoa học và Công nghệ",)


def test_periods_and_statuses(gaz: Gazetteer):
    q = understand("Nhiệm vụ nào phải hoàn thành trong quý IV/2025?", gaz, TODAY)
    assert q.intent is Intent.DUE and q.period == (date(2025, 10, 1), date(2025, 12, 31))
    q = understand("nhiệm vụ nào đến hạn trong tháng 3/2026", gaz, TODAY)
    assert q.period == (date(2026, 3, 1), date(2026, 3, 31))
    assert understand("nhiệm vụ nào quá hạn?", gaz, TODAY).status == "overdue"
    assert understand("nhiệm vụ nào sắp đến hạn trong 60 ngày tới?", gaz, TODAY).within_days == 60


def test_topic_keeps_content_words_that_fold_onto_function_words(gaz: Gazetteer):
    topic = understand("Sở KH&CN chủ trì xây dựng những đề án nào?", gaz, TODAY).topic
    assert "de" in topic and "an" in topic  # "đề án", not the function word "để"
    folded = understand("So KH&CN chu tri xay dung nhung de an nao?", gaz, TODAY).topic
    assert "an" in folded


def test_role_of_an_agency_in_its_tasks(gaz: Gazetteer):
    assert understand("Sở Tư pháp phối hợp những nhiệm vụ nào?", gaz, TODAY).role == "coordinating"
    assert understand("Sở Y tế chủ trì những nhiệm vụ nào?", gaz, TODAY).role == "lead"


def test_a_year_of_tasks_is_a_period(gaz: Gazetteer):
    q = understand("Những nhiệm vụ nào có thời hạn trong năm 2026?", gaz, TODAY)
    assert q.period == (date(2026, 1, 1), date(2026, 12, 31))


def test_topic_pairs_stay_within_a_clause(gaz: Gazetteer):
    q = understand(
        "Phường mình muốn làm tiêu chí nhắc lịch tiêm chủng qua Zalo: thuộc nhóm nào?", gaz, TODAY
    )
    assert {"lich_tiem", "tiem_chung", "qua_zalo"} <= q.pairs
    assert "zalo_thuoc" not in q.pairs  # across the colon
    assert "minh" not in q.topic and "muon" not in q.topic  # words about the asker
    q = understand("tiêu chí kiểm tra hệ thống của xã, một lần tính cho bao lâu", gaz, TODAY)
    assert "xa_lan" not in q.pairs and "lau" not in q.topic
