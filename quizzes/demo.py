"""Demo question banks (one per demo course, every question type) and quizzes, written in GIFT."""

from accounts.models import User
from courses.models import Course
from quizzes import services
from quizzes.models import QuestionBank, Quiz

COMMON = """
$CATEGORY: Cải cách hành chính/Chung

::PAR INDEX::Chỉ số đo lường kết quả cải cách hành chính hằng năm của các bộ và tỉnh gọi là gì?{
=PAR INDEX#Đúng: Chỉ số cải cách hành chính (PAR INDEX).
~SIPAS#SIPAS đo sự hài lòng của người dân.
~PCI#PCI là chỉ số năng lực cạnh tranh cấp tỉnh.
~PAPI#PAPI là chỉ số hiệu quả quản trị và hành chính công.
####Bộ Nội vụ công bố PAR INDEX hằng năm.}

::Sáu nội dung::Chương trình tổng thể cải cách hành chính giai đoạn 2021–2030 gồm những nội dung nào?{
~%25%Cải cách thể chế
~%25%Cải cách thủ tục hành chính
~%25%Cải cách tổ chức bộ máy
~%25%Xây dựng và phát triển Chính phủ điện tử, Chính phủ số
~%-100%Cải cách ruộng đất}

// Gõ không dấu vẫn được tính đúng: "cai cach hanh chinh".
// [options] ignore_diacritics
::Tiếng Việt không dấu::Viết tắt thường dùng của "cải cách hành chính" là gì?{=CCHC =cải cách hành chính}

::Essay::Nêu hai giải pháp để nâng cao sự hài lòng của người dân đối với cơ quan của đồng chí.{}
"""

BANKS = {
    "CCHC-MC01": """
$CATEGORY: Cơ chế một cửa

::NĐ 61::Nghị định nào quy định về thực hiện cơ chế một cửa, một cửa liên thông?{
=Nghị định 61/2018/NĐ-CP#Đúng, được sửa đổi bởi Nghị định 107/2021/NĐ-CP.
~Nghị định 63/2010/NĐ-CP#Đây là nghị định về kiểm soát thủ tục hành chính.
~Nghị định 45/2020/NĐ-CP#Đây là nghị định về thực hiện thủ tục hành chính trên môi trường điện tử.}

::Trung tâm::Ở cấp tỉnh, Bộ phận Một cửa được tổ chức là Trung tâm Phục vụ hành chính công.{T#Ở cấp tỉnh đúng là Trung tâm Phục vụ hành chính công.#Chính xác.}

::Xin lỗi::Hồ sơ quá hạn giải quyết thì cơ quan có thẩm quyền phải gửi văn bản xin lỗi tổ chức, cá nhân.{TRUE}

::Thời hạn::Thời gian niêm yết kết quả lấy ý kiến đánh giá tại Bộ phận Một cửa tối thiểu là bao nhiêu ngày (theo đề bài)?{#30:0}

::Ghép đôi::Ghép mỗi cấp với nơi tiếp nhận hồ sơ.{
=Cấp tỉnh -> Trung tâm Phục vụ hành chính công
=Cấp huyện -> Bộ phận Một cửa UBND huyện
=Cấp xã -> Bộ phận Một cửa UBND xã}
""",
    "CCHC-DVC02": """
$CATEGORY: Dịch vụ công trực tuyến

::Toàn trình::Dịch vụ công trực tuyến cho phép thực hiện toàn bộ quy trình trên môi trường mạng được gọi là gì?{
=Dịch vụ công trực tuyến toàn trình
~Dịch vụ công trực tuyến một phần
~Dịch vụ công mức độ 2}

::Cổng quốc gia::Người dân có thể nộp hồ sơ trên Cổng Dịch vụ công quốc gia bằng tài khoản định danh điện tử VNeID.{T}

::Mức cũ::Trước Nghị định 42/2022/NĐ-CP, dịch vụ công trực tuyến được chia thành bao nhiêu mức độ?{#4}

::Tỷ lệ::Tỷ lệ hồ sơ trực tuyến (%) nằm trong khoảng nào là đạt mục tiêu của tỉnh năm 2026 (đề bài: từ 50 đến 100)?{#50..100}

::Ghép mức::Ghép mức độ (cũ) với mô tả.{
=Mức độ 3 -> Nộp hồ sơ trực tuyến, nhận kết quả trực tiếp
=Mức độ 4 -> Nộp hồ sơ, thanh toán và nhận kết quả trực tuyến
=Mức độ 2 -> Tải mẫu đơn, tờ khai}
""",
    "CCHC-TTHC03": """
$CATEGORY: Kiểm soát thủ tục hành chính

::Công bố::Ai công bố danh mục thủ tục hành chính thuộc thẩm quyền giải quyết trên địa bàn tỉnh?{
=Chủ tịch UBND tỉnh
~Giám đốc Sở Nội vụ
~Chánh Văn phòng UBND tỉnh}

::Công khai::Thủ tục hành chính chưa được công bố, công khai vẫn được áp dụng.{F#Thủ tục chưa công khai thì không được áp dụng.}

::Bộ phận::Cơ quan nào giúp UBND tỉnh kiểm soát thủ tục hành chính?{=Văn phòng UBND tỉnh =Phòng Kiểm soát thủ tục hành chính}

::Bao nhiêu::Nghị định 63/2010/NĐ-CP được ban hành năm nào?{#2010}

::Ghép văn bản::Ghép văn bản với nội dung.{
=Nghị định 63/2010 -> Kiểm soát thủ tục hành chính
=Nghị định 92/2017 -> Sửa đổi quy định kiểm soát thủ tục hành chính
=Nghị định 61/2018 -> Cơ chế một cửa, một cửa liên thông}
""",
    "CCHC-TT04": """
$CATEGORY: Tuyên truyền

::Đối tượng::Đối tượng tuyên truyền cải cách hành chính gồm những ai?{
~%50%Cán bộ, công chức, viên chức
~%50%Người dân và doanh nghiệp
~%-50%Chỉ lãnh đạo các sở}

::Hình thức::Hội nghị tuyên truyền là một hình thức tuyên truyền cải cách hành chính.{T}

::Chỉ số::Chỉ số đo lường sự hài lòng của người dân được viết tắt là gì?{=SIPAS}

::Số lần::Trong kế hoạch mẫu, mỗi huyện tổ chức ít nhất bao nhiêu hội nghị tuyên truyền mỗi năm (đề bài: 2)?{#2}

::Kênh::Ghép kênh tuyên truyền với đơn vị phụ trách.{
=Báo Bắc Kạn -> Chuyên mục cải cách hành chính
=Đài PT-TH tỉnh -> Phóng sự truyền hình
=Cổng thông tin điện tử tỉnh -> Tin bài trực tuyến}
""",
    "CCHC-CV05": """
$CATEGORY: Văn hóa công vụ

::Ứng xử::Khi tiếp công dân, công chức cần làm gì?{
=Lắng nghe, hướng dẫn tận tình, đầy đủ
~Yêu cầu bổ sung giấy tờ ngoài quy định
~Hẹn lại nhiều lần}

::Đeo thẻ::Cán bộ, công chức phải đeo thẻ khi thi hành công vụ.{TRUE}

::Từ khoá::Phương châm phục vụ của Bộ phận Một cửa thường được gọi là "lấy người dân làm ..."?{=trung tâm =trung tam}

::Giờ::Giờ làm việc buổi sáng tại Bộ phận Một cửa bắt đầu lúc mấy giờ (đề bài: 7 giờ 30)?{#7.5:0.01}

::Ghép::Ghép hành vi với đánh giá.{
=Nhận tiền ngoài quy định -> Vi phạm
=Hướng dẫn một lần đầy đủ -> Đúng chuẩn mực
=Trả hồ sơ trễ hạn không xin lỗi -> Chưa đúng quy định}
""",
    "CCHC-TC06": """
$CATEGORY: Tự chủ tài chính

::Nghị định::Nghị định nào quy định cơ chế tự chủ tài chính của đơn vị sự nghiệp công lập?{
=Nghị định 60/2021/NĐ-CP
~Nghị định 16/2015/NĐ-CP#Đã được thay thế.
~Nghị định 43/2006/NĐ-CP#Đã hết hiệu lực.}

::Mức::Có bốn mức độ tự chủ tài chính.{T}

::Viết tắt::"Đơn vị sự nghiệp công lập" thường viết tắt là gì?{=ĐVSNCL =DVSNCL}

::Số mức::Có bao nhiêu mức độ tự chủ chi thường xuyên?{#4}

::Ghép::Ghép mức tự chủ với nguồn bảo đảm.{
=Mức 1 -> Tự bảo đảm chi thường xuyên và chi đầu tư
=Mức 2 -> Tự bảo đảm chi thường xuyên
=Mức 4 -> Nhà nước bảo đảm chi thường xuyên}
""",
}


def load(courses: dict[str, Course]) -> int:
    """A bank and a quiz per demo course that has none yet; returns how many banks were made."""
    instructor = User.objects.filter(username="giangvien1").first()
    made = 0
    for code, text in BANKS.items():
        course = courses.get(code)
        if course is None or QuestionBank.objects.filter(course=course).exists():
            continue
        bank = QuestionBank.objects.create(name=f"Ngân hàng câu hỏi {code}", course=course)
        services.import_questions(actor=instructor, bank=bank, data=(text + COMMON).encode(), file_format="gift",
                                  filename="demo.gift")
        Quiz.objects.create(
            title=f"Kiểm tra: {course.title}", course=course, bank=bank, question_count=8, time_limit_minutes=20,
            max_attempts=3, pass_percent=60, review=Quiz.Review.AFTER_SUBMIT,
        )
        made += 1
    return made
