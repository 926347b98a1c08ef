"""Small Vietnamese documents written for these tests (not from the dev set)."""

CONFERENCE = """Chiều 2/5, Thủ tướng Phạm Minh Chính chủ trì phiên họp Chính phủ chuyên đề về cải cách hành chính.

Thủ tướng yêu cầu Bộ Nội vụ hoàn thành dự thảo Nghị định về vị trí việc làm trước ngày 30/6/2024.

Bộ Tài chính chủ trì, phối hợp với các địa phương đẩy nhanh giải ngân vốn đầu tư công, báo cáo Thủ tướng trước ngày 15/7/2024.

Các bộ, ngành khẩn trương cắt giảm thủ tục hành chính không cần thiết.
"""

# Another outlet's report of the same meeting, a day later.
CONFERENCE_OTHER_REPORT = """Kết luận phiên họp, Thủ tướng Phạm Minh Chính giao Bộ Nội vụ khẩn trương hoàn thành dự thảo Nghị định về vị trí việc làm, trình Chính phủ trước ngày 30/6/2024.
"""

FLOODS = """Thủ tướng Chính phủ yêu cầu Ủy ban nhân dân tỉnh Quảng Trị khẩn trương sơ tán người dân khỏi vùng nguy cơ sạt lở đất, hoàn thành trước ngày 20/10/2020.

Bộ Y tế bảo đảm thuốc chữa bệnh và nước sạch cho người dân vùng lũ.
"""


def small_document(i: int) -> str:
    """The i-th of many short documents, each with two tasks of its own."""
    return (f"Thủ tướng yêu cầu Bộ Nội vụ hoàn thành báo cáo chuyên đề số {i} về cải cách hành chính "
            f"trước ngày {1 + i % 28}/6/2024.\n\n"
            f"Bộ Tài chính bố trí kinh phí cho đề án số {i} về chuyển đổi số, hoàn thành trong tháng 9/2024.\n")
