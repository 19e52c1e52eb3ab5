"""Field tables of the assessment files: scoring models, survey.yaml, published.yaml, and the columns of responses.csv.

The YAML files go through the strict reader and the schema checker used for cooperatives and
products (chophien.catalogue.schema.check_mapping). responses.csv has a closed set of columns:
a name, a phone number or a free-text answer has no column to live in.
"""

from __future__ import annotations

from dataclasses import replace

from chophien.assessment.converters import criterion_key, decimal, percent, slug
from chophien.assessment.model import CRITERION_STATUSES
from chophien.assessment.suppression import DEFAULT_THRESHOLD
from chophien.catalogue.field_types import BOOL, URL, EnumType, TextType, WholeType
from chophien.catalogue.schema import F, scalar

BASE_COLUMNS = ("respondent", "province", "region", "sector", "kind", "size", "equipment", "consent")
REQUIRED_COLUMNS = ("respondent", "province", "sector", "kind", "size", "equipment")


def responses_header(model) -> list[str]:
    """The columns of a responses.csv for *model*, in the order the enumerator's export writes them."""
    return list(BASE_COLUMNS) + [criterion.key for criterion in model.criteria]


LEVEL_FIELDS = (
    scalar("level", "int", WholeType(0, 9, "số mức", "a level number"), "Số thứ tự của mức, từ 0", "Level number, from 0", "2", required=True),
    scalar("name", "text", TextType(60), "Tên mức", "Level name", "Bắt đầu", required=True),
    scalar("name_en", "text", TextType(60), "Tên tiếng Anh", "English name", "Beginning"),
    scalar("description", "text", TextType(400), "Mô tả ngắn", "Short description", "Đã có một số hoạt động số"),
    scalar("description_en", "text", TextType(400), "Mô tả ngắn tiếng Anh", "Short description in English", "Some digital activity"),
    scalar("pillar_above", "percent", WholeType(0, 100, "một tỉ lệ phần trăm", "a percentage"), "Trụ cột đạt mức này khi điểm trên …% điểm tối đa của trụ cột", "A pillar reaches this level above …% of its maximum", "20"),
    scalar("total_above", "int", WholeType(0, 100000, "số điểm", "a number of points"), "Mức chung: tổng điểm phải trên …", "Overall: total points must be above …", "64"),
    scalar("pillars_at_level", "int", WholeType(1, 50, "số trụ cột", "a number of pillars"), "Mức chung: và ít nhất … trụ cột đạt mức này trở lên", "Overall: and at least … pillars at this level or higher", "4"),
)  # fmt: skip

OPTION_FIELDS = (
    scalar("points", "int", WholeType(0, 1000, "số điểm", "a number of points"), "Điểm của phương án này", "Points this answer gives", "3", required=True),
    scalar("label", "text", TextType(200), "Phương án trả lời", "The answer", "Cập nhật ít nhất mỗi quý", required=True),
    scalar("label_en", "text", TextType(200), "Phương án trả lời bằng tiếng Anh", "The answer in English", "Updated at least once a quarter"),
)  # fmt: skip

OPTIONS = F("options", "list", "Các phương án trả lời, từ điểm thấp nhất (0) đến cao nhất", "Answer options, lowest points (0) first", "- {points: 0, label: Chưa có}\n- {points: 5, label: …}", item=F("option", "mapping", "Một phương án", "One option", "{points: 0, label: Chưa có}", fields=OPTION_FIELDS))  # fmt: skip

OPTION_SET_FIELDS = (
    scalar("key", "slug", slug, "Mã bộ phương án (dùng trong option_set của tiêu chí)", "Option set code (used in a criterion's option_set)", "muc-do-dung", required=True),
    scalar("name", "text", TextType(120), "Tên bộ phương án", "Option set name", "Mức độ sử dụng"),
    scalar("name_en", "text", TextType(120), "Tên tiếng Anh", "English name", "Extent of use"),
    replace(OPTIONS, required=True),
)  # fmt: skip

CRITERION_FIELDS = (
    scalar("key", "key", criterion_key, "Mã tiêu chí, cũng là tên cột trong responses.csv", "Criterion code, also the column name in responses.csv", "kh1", required=True),
    scalar("name", "text", TextType(200), "Nội dung tiêu chí", "What the criterion asks", "Có trang web hoặc fanpage", required=True),
    scalar("name_en", "text", TextType(200), "Tên tiếng Anh", "English name", "Has a website or a Facebook page"),
    scalar("max", "int", WholeType(1, 1000, "số điểm", "a number of points"), "Điểm tối đa (không cần khi có phương án: là điểm của phương án cao nhất)", "Maximum points (not needed with options: the highest option's points)", "15"),
    scalar("component", "slug", slug, "Mã chỉ số thành phần (trong components của trụ cột)", "Component index code (in the pillar's components)", "hien-dien-truc-tuyen"),
    scalar("status", "enum", EnumType(CRITERION_STATUSES), "Mức xác minh: chinh-thuc, nguon-phu hoặc chua-xac-minh", "Verification: chinh-thuc, nguon-phu or chua-xac-minh", "nguon-phu"),
    scalar("help", "text", TextType(300), "Gợi ý cách trả lời (tính trong thời gian nào, tính những gì)", "How to answer (over what period, what counts)", "Tính trong 3 tháng gần nhất"),
    scalar("help_en", "text", TextType(300), "Gợi ý cách trả lời bằng tiếng Anh", "How to answer, in English", "Over the last 3 months"),
    OPTIONS,
    scalar("option_set", "slug", slug, "Dùng một bộ phương án chung (mã trong option_sets)", "Use a shared option set (a code in option_sets)", "muc-do-dung"),
)  # fmt: skip

COMPONENT_FIELDS = (
    scalar("key", "slug", slug, "Mã chỉ số thành phần", "Component index code", "hien-dien-truc-tuyen", required=True),
    scalar("name", "text", TextType(120), "Tên chỉ số thành phần", "Component index name", "Hiện diện trực tuyến", required=True),
    scalar("name_en", "text", TextType(120), "Tên tiếng Anh", "English name", "Online presence"),
)  # fmt: skip

NEXT_STEP_FIELDS = (
    scalar("level", "int", WholeType(0, 9, "số mức", "a level number"), "Mức hiện tại của trụ cột", "The pillar's current level", "1", required=True),
    F("steps", "list", "Việc nên làm tiếp, mỗi dòng một việc ngắn", "What to do next, one short step per line", "- Đăng sản phẩm lên một sàn thương mại điện tử", required=True, item=scalar("step", "text", TextType(300), "Một việc", "One step", "Ghi sổ bán hàng trên điện thoại")),
    F("steps_en", "list", "Các việc đó bằng tiếng Anh, cùng thứ tự và cùng số dòng", "The same steps in English, same order and count", "- Put your products on an e-commerce marketplace", item=scalar("step", "text", TextType(300), "Một việc", "One step", "Keep a sales record on your phone")),
)  # fmt: skip

PILLAR_FIELDS = (
    scalar("key", "slug", slug, "Mã trụ cột", "Pillar code", "khach-hang", required=True),
    scalar("name", "text", TextType(120), "Tên trụ cột", "Pillar name", "Trải nghiệm số cho khách hàng", required=True),
    scalar("short_name", "text", TextType(16), "Tên ngắn trên biểu đồ (≤ 16 ký tự)", "Short name for charts (≤ 16 characters)", "Khách hàng", required=True),
    scalar("name_en", "text", TextType(120), "Tên tiếng Anh", "English name", "Digital customer experience"),
    scalar("short_name_en", "text", TextType(16), "Tên ngắn tiếng Anh trên biểu đồ (≤ 16 ký tự)", "English short name for charts (≤ 16 characters)", "Customers"),
    scalar("max", "int", WholeType(1, 10000, "số điểm", "a number of points"), "Điểm tối đa của trụ cột", "Pillar maximum points", "65", required=True),
    F("components", "list", "Các chỉ số thành phần của trụ cột", "The pillar's component indices", "- key: hien-dien-truc-tuyen\n  name: Hiện diện trực tuyến", item=F("component", "mapping", "Một chỉ số thành phần", "One component index", "key: hien-dien-truc-tuyen", fields=COMPONENT_FIELDS)),
    F("next_steps", "list", "Bước tiếp theo cho từng mức của trụ cột", "Next steps for each level of the pillar", "- level: 0\n  steps:\n    - Lập trang Zalo OA", item=F("next", "mapping", "Bước tiếp theo ở một mức", "Next steps at one level", "level: 0", fields=NEXT_STEP_FIELDS)),
    F("criteria", "list", "Các tiêu chí của trụ cột", "The pillar's criteria", "- key: kh1\n  name: …\n  max: 15", required=True, item=F("criterion", "mapping", "Một tiêu chí", "One criterion", "key: kh1", fields=CRITERION_FIELDS)),
)  # fmt: skip

EQUIPMENT_FIELDS = (
    scalar("key", "slug", slug, "Mã loại thiết bị (giá trị trong cột equipment)", "Equipment class code (value of the equipment column)", "ban-tu-dong", required=True),
    scalar("name", "text", TextType(120), "Tên", "Name", "Bán tự động", required=True),
    scalar("short_name", "text", TextType(24), "Tên ngắn trên biểu đồ (≤ 24 ký tự)", "Short name for charts (≤ 24 characters)", "Bán tự động", required=True),
    scalar("name_en", "text", TextType(120), "Tên tiếng Anh", "English name", "Semi-automatic"),
    scalar("short_name_en", "text", TextType(24), "Tên ngắn tiếng Anh trên biểu đồ (≤ 24 ký tự)", "English short name for charts (≤ 24 characters)", "Semi-automatic"),
    scalar("description", "text", TextType(400), "Định nghĩa", "Definition", "Máy chạy một chu trình; người nạp liệu, khởi động"),
    scalar("description_en", "text", TextType(400), "Định nghĩa bằng tiếng Anh", "Definition in English", "The machine runs one cycle on its own"),
    scalar("example", "text", TextType(200), "Ví dụ ở hợp tác xã", "Example at a cooperative", "máy đóng gói bán tự động"),
    scalar("example_en", "text", TextType(200), "Ví dụ bằng tiếng Anh", "Example in English", "semi-automatic packing machine"),
)  # fmt: skip

MODEL_FIELDS = (
    scalar("name", "text", TextType(200), "Tên bộ tiêu chí", "Model name", "Bộ chỉ số DBI 2021", required=True),
    scalar("name_en", "text", TextType(200), "Tên tiếng Anh", "English name", "Digital Business Indicators 2021"),
    scalar("short_name", "text", TextType(40), "Tên ngắn", "Short name", "DBI 2021", required=True),
    scalar("source", "text", TextType(400), "Văn bản, nguồn", "Source document", "Quyết định 1970/QĐ-BTTTT ngày 13/12/2021", required=True),
    scalar("source_url", "url", URL, "Địa chỉ nguồn (https://…)", "Source address (https://…)", "https://dbi.gov.vn"),
    F("notes", "list", "Ghi chú, điều chưa kiểm chứng", "Notes, what is unverified", "- Tên tiêu chí là bản rút gọn", item=scalar("note", "text", TextType(600), "Một ghi chú", "A note", "…")),
    F("notes_en", "list", "Các ghi chú đó bằng tiếng Anh, cùng thứ tự và cùng số dòng", "The same notes in English, same order and count", "- Criterion names are shortened", item=scalar("note", "text", TextType(600), "Một ghi chú", "A note", "…")),
    F("option_sets", "list", "Bộ phương án dùng chung cho nhiều tiêu chí", "Option sets shared by several criteria", "- key: muc-do-dung\n  options: …", item=F("option_set", "mapping", "Một bộ phương án", "One option set", "key: muc-do-dung", fields=OPTION_SET_FIELDS)),
    F("levels", "list", "Các mức, từ 0", "Levels, from 0", "- level: 0\n  name: Chưa khởi động", required=True, item=F("level", "mapping", "Một mức", "One level", "level: 1", fields=LEVEL_FIELDS)),
    F("pillars", "list", "Các trụ cột", "Pillars", "- key: khach-hang\n  …", required=True, item=F("pillar", "mapping", "Một trụ cột", "One pillar", "key: khach-hang", fields=PILLAR_FIELDS)),
    F("equipment", "list", "Thang tự động hoá thiết bị, từ thấp đến cao", "Equipment-automation scale, lowest first", "- key: khong-co\n  name: Không có thiết bị", required=True, item=F("class", "mapping", "Một loại", "One class", "key: khong-co", fields=EQUIPMENT_FIELDS)),
)  # fmt: skip

CONSENT_FIELDS = (
    scalar("own_results", "bool", BOOL, "Hợp tác xã đồng ý (cột consent: yes) thì kết quả riêng được hiện trên trang của hợp tác xã (có/không)", "A consenting cooperative's own result is shown on its page (yes/no)", "yes", required=True),
    scalar("statement", "text", TextType(600), "Điều người trả lời đã được hỏi và đồng ý", "What respondents were asked and agreed to", "HTX đồng ý công khai kết quả của mình trên Chợ phiên"),
    scalar("statement_en", "text", TextType(600), "Điều đó bằng tiếng Anh", "The same in English", "The cooperative agreed to publish its own result on Chợ phiên"),
)  # fmt: skip

PRIVACY_FIELDS = (
    scalar("threshold", "int", WholeType(3, 100, "một ngưỡng", "a threshold"), f"Số nhỏ hơn ngưỡng này bị ẩn (mặc định {DEFAULT_THRESHOLD}, ít nhất 3)", f"Counts below this are hidden (default {DEFAULT_THRESHOLD}, at least 3)", "5"),
)  # fmt: skip

SURVEY_FIELDS = (
    scalar("title", "text", TextType(200), "Tên cuộc khảo sát", "Survey title", "Khảo sát chuyển đổi số hợp tác xã 2022", required=True),
    scalar("title_en", "text", TextType(200), "Tên tiếng Anh", "English title", "Cooperative digital transformation survey 2022"),
    scalar("organiser", "text", TextType(200), "Đơn vị thực hiện", "Organiser", "Viện Khoa học Công nghệ và Môi trường", required=True),
    scalar("organiser_en", "text", TextType(200), "Đơn vị thực hiện (tiếng Anh)", "Organiser in English", "Institute of Science, Technology and Environment"),
    scalar("period", "text", TextType(60), "Thời gian khảo sát", "Survey period", "03–06/2022", required=True),
    scalar("year", "year", WholeType(1990, 2100, "một năm", "a year"), "Năm khảo sát (để sắp xếp, so sánh)", "Survey year (for ordering and comparisons)", "2022", required=True),
    scalar("method", "text", TextType(1200), "Phương pháp: chọn mẫu, cách hỏi, ai chấm điểm", "Method: sampling, how asked, who scored", "Phỏng vấn trực tiếp theo phiếu", required=True),
    scalar("method_en", "text", TextType(1200), "Phương pháp (tiếng Anh)", "Method in English", "Face-to-face interviews with a questionnaire"),
    scalar("sample_size", "int", WholeType(1, 1_000_000, "số người trả lời", "a number of respondents"), "Số đơn vị trả lời", "Number of respondents", "200", required=True),
    scalar("model", "slug", slug, "Bộ tiêu chí chấm điểm (tên tệp trong content/assessments/models/)", "Scoring model (file name in content/assessments/models/)", "dbi-2021", required=True),
    scalar("source", "text", TextType(400), "Nguồn số liệu", "Source of the data", "Liên minh HTX Việt Nam", required=True),
    scalar("source_url", "url", URL, "Địa chỉ nguồn (https://…)", "Source address (https://…)", "https://vietnamnet.vn/…"),
    scalar("sample_data", "bool", BOOL, "Dữ liệu mẫu, không có thật (có/không)", "Sample data, not real (yes/no)", "no"),
    scalar("summary", "text", TextType(1000), "Tóm tắt hiện ở đầu trang", "Summary shown at the top of the page", "Khảo sát 200 HTX trên cả nước"),
    scalar("summary_en", "text", TextType(1000), "Tóm tắt (tiếng Anh)", "Summary in English", "A survey of 200 cooperatives nationwide"),
    F("consent", "mapping", "Quy tắc đồng ý công khai kết quả riêng", "Consent rules for publishing own results", "own_results: no", fields=CONSENT_FIELDS),
    F("privacy", "mapping", "Bảo vệ người trả lời", "Respondent protection", "threshold: 5", fields=PRIVACY_FIELDS),
)  # fmt: skip

PUBLISHED_FIELDS = (
    scalar("source", "text", TextType(600), "Ấn phẩm, bài viết công bố các số liệu này", "Publication the figures come from", "VietNamNet, 2023", required=True),
    scalar("source_url", "url", URL, "Địa chỉ ấn phẩm (https://…)", "Publication address (https://…)", "https://vietnamnet.vn/…"),
    F("placements", "list", "Xếp mức chung cho một nhóm", "Overall level given to a group", "- group: Vùng DTTS và miền núi\n  level: 2", item=F("placement", "mapping", "Một nhóm", "One group", "level: 2", fields=(
        scalar("group", "text", TextType(200), "Nhóm", "Group", "Vùng đồng bào DTTS và miền núi", required=True),
        scalar("group_en", "text", TextType(200), "Nhóm (tiếng Anh)", "Group in English", "Ethnic minority and mountain areas"),
        scalar("level", "int", WholeType(0, 9, "số mức", "a level number"), "Mức", "Level", "2", required=True),
        scalar("note", "text", TextType(400), "Ghi chú", "Note", "đầu mức 2"),
        scalar("note_en", "text", TextType(400), "Ghi chú (tiếng Anh)", "Note in English", "start of level 2"),
    ))),
    F("levels", "list", "Tỉ lệ theo mức chung (% số người trả lời)", "Shares by overall level (% of respondents)", "- level: 2\n  percent: 40", item=F("share", "mapping", "Một mức", "One level", "level: 2", fields=(
        scalar("level", "int", WholeType(0, 9, "số mức", "a level number"), "Mức", "Level", "2", required=True),
        scalar("percent", "percent", percent, "Tỉ lệ %", "Share %", "40", required=True),
    ))),
    F("pillars", "list", "Mức trung bình của từng trụ cột", "Average level per pillar", "- pillar: khach-hang\n  average_level: 1,8", item=F("pillar", "mapping", "Một trụ cột", "One pillar", "pillar: khach-hang", fields=(
        scalar("pillar", "slug", slug, "Mã trụ cột trong bộ tiêu chí", "Pillar code in the model", "khach-hang", required=True),
        scalar("average_level", "decimal", decimal(0, 9, "một mức trung bình", "an average level"), "Mức trung bình", "Average level", "1,8", required=True),
    ))),
    F("equipment", "list", "Tỉ lệ theo mức tự động hoá thiết bị (% số người trả lời)", "Shares by equipment automation (% of respondents)", "- categories: [ban-tu-dong]\n  percent: 23", item=F("share", "mapping", "Một nhóm thiết bị", "One equipment group", "categories: [ban-tu-dong]", fields=(
        F("categories", "list", "Các loại thiết bị gộp trong nhóm này", "Equipment classes counted together", "[tu-dong-co-dinh, tu-dong-linh-hoat]", required=True, item=scalar("category", "slug", slug, "Mã loại thiết bị", "Equipment class code", "ban-tu-dong")),
        scalar("label", "text", TextType(120), "Tên nhóm (mặc định: tên loại thiết bị)", "Group label (default: the class name)", "Tự động"),
        scalar("label_en", "text", TextType(120), "Tên nhóm (tiếng Anh)", "Group label in English", "Automatic"),
        scalar("percent", "percent", percent, "Tỉ lệ %", "Share %", "23", required=True),
        scalar("note", "text", TextType(400), "Ghi chú", "Note", "chủ yếu là tưới tiêu"),
        scalar("note_en", "text", TextType(400), "Ghi chú (tiếng Anh)", "Note in English", "mostly irrigation"),
    ))),
    F("notes", "list", "Ghi chú về số liệu", "Notes about the figures", "- …", item=scalar("note", "text", TextType(600), "Một ghi chú", "A note", "…")),
    F("notes_en", "list", "Các ghi chú đó bằng tiếng Anh, cùng thứ tự và cùng số dòng", "The same notes in English, same order and count", "- …", item=scalar("note", "text", TextType(600), "Một ghi chú", "A note", "…")),
)  # fmt: skip
