// Chợ phiên /admin/: Vietnamese for the 78 strings that Decap CMS 3.16.3's own `vi` locale
// leaves in English (77 of its 248 strings are missing and "View as" is untranslated; counted
// against `en` by tests/volunteer/test_cms_e2e.py). Loaded before the bundle: it holds Decap's start
// (CMS_MANUAL_INIT), merges these strings into the `vi` locale, then starts the CMS.
window.CMS_MANUAL_INIT = true;
window.addEventListener("DOMContentLoaded", function () {
  var extra = {
  "auth": {
    "loginWithAzure": "Đăng nhập bằng Azure",
    "loginWithForgejo": "Đăng nhập bằng Forgejo"
  },
  "collection": {
    "collectionTop": {
      "viewAsList": "Xem dạng danh sách",
      "viewAsGrid": "Xem dạng lưới",
      "groupBy": "Nhóm theo",
      "viewAs": "Xem dạng"
    },
    "entries": {
      "unpublishedHeader": "Mục chưa công bố"
    },
    "groups": {
      "other": "Khác",
      "negateLabel": "Không phải %{label}"
    }
  },
  "editor": {
    "editorControl": {
      "field": {
        "widgetLabel": "Trường %{widgetLabel}"
      }
    },
    "editorControlPane": {
      "i18n": {
        "writingInLocale": "Đang viết bằng %{locale}",
        "copyFromLocale": "Điền từ ngôn ngữ khác",
        "copyFromLocaleConfirm": "Điền dữ liệu từ ngôn ngữ %{locale}?\nMọi nội dung đang có sẽ bị ghi đè."
      }
    },
    "editorInterface": {
      "toggleI18n": "Bật/tắt đa ngôn ngữ",
      "togglePreview": "Bật/tắt xem trước",
      "toggleScrollSync": "Cuộn đồng bộ",
      "toggleNotes": "Bật/tắt ghi chú"
    },
    "editorNotesPane": {
      "title": "Ghi chú",
      "emptyState": "Chưa có ghi chú. Thêm ghi chú đầu tiên ở dưới để cùng trao đổi.",
      "addNote": "Thêm ghi chú",
      "addPlaceholder": "Thêm ghi chú...",
      "editPlaceholder": "Sửa ghi chú...",
      "save": "Lưu",
      "cancel": "Huỷ",
      "edit": "Sửa",
      "delete": "Xoá",
      "resolve": "Đánh dấu đã xong",
      "unresolve": "Mở lại",
      "confirmDelete": "Bạn có chắc muốn xoá ghi chú này?",
      "shortcut": "Mẹo: bấm Ctrl+Enter để thêm ghi chú nhanh"
    },
    "editorToolbar": {
      "statusInfoTooltipDraft": "Mục đang là bản nháp. Để hoàn tất và gửi duyệt, đổi trạng thái thành ‘Đang duyệt’",
      "statusInfoTooltipInReview": "Mục đang được duyệt, bạn không cần làm gì thêm. Bạn vẫn có thể sửa tiếp trong lúc chờ duyệt."
    },
    "editorWidgets": {
      "markdown": {
        "bold": "Đậm",
        "italic": "Nghiêng",
        "strikethrough": "Gạch ngang",
        "code": "Mã",
        "link": "Liên kết",
        "linkPrompt": "Nhập địa chỉ của liên kết",
        "headings": "Tiêu đề",
        "quote": "Trích dẫn",
        "bulletedList": "Danh sách chấm",
        "numberedList": "Danh sách số",
        "addComponent": "Thêm thành phần",
        "toggleMode": {
          "rich": "Chuyển sang chế độ soạn thảo thường",
          "markdown": "Chuyển sang chế độ markdown"
        }
      },
      "image": {
        "chooseMultiple": "Chọn ảnh",
        "chooseUrl": "Chèn từ địa chỉ web",
        "replaceUrl": "Thay bằng địa chỉ web",
        "promptUrl": "Nhập địa chỉ web của ảnh",
        "addMore": "Thêm ảnh",
        "removeAll": "Gỡ tất cả ảnh"
      },
      "file": {
        "chooseUrl": "Chèn từ địa chỉ web",
        "chooseMultiple": "Chọn tệp",
        "replaceUrl": "Thay bằng địa chỉ web",
        "promptUrl": "Nhập địa chỉ web của tệp",
        "addMore": "Thêm tệp",
        "removeAll": "Gỡ tất cả tệp"
      },
      "datetime": {
        "setToNow": "Đặt %{fieldLabel} là bây giờ"
      },
      "list": {
        "add": "Thêm %{item}",
        "addType": "Thêm %{item}"
      },
      "object": {
        "expand": "Mở ra",
        "collapse": "Thu gọn"
      }
    }
  },
  "mediaLibrary": {
    "mediaLibraryCard": {
      "copy": "Sao chép",
      "copyUrl": "Sao chép địa chỉ",
      "copyPath": "Sao chép đường dẫn",
      "copyName": "Sao chép tên",
      "copied": "Đã sao chép"
    },
    "mediaLibraryModal": {
      "close": "Đóng"
    }
  },
  "ui": {
    "settingsDropdown": {
      "account": "Tuỳ chọn tài khoản"
    },
    "toast": {
      "noteAdded": "Đã thêm ghi chú",
      "onFailToAddNote": "Không thêm được ghi chú: %{details}",
      "noteUpdated": "Đã cập nhật ghi chú",
      "onFailToUpdateNote": "Không cập nhật được ghi chú: %{details}",
      "noteDeleted": "Đã xoá ghi chú",
      "onFailToDeleteNote": "Không xoá được ghi chú: %{details}",
      "noteResolved": "Đã đánh dấu ghi chú là xong",
      "noteReopened": "Đã mở lại ghi chú",
      "onFailToToggleNote": "Không đổi được trạng thái ghi chú: %{details}"
    }
  }
};
  function merge(base, add) {
    var out = {};
    Object.keys(base || {}).forEach(function (k) { out[k] = base[k]; });
    Object.keys(add).forEach(function (k) {
      out[k] = add[k] && typeof add[k] === "object" ? merge(out[k], add[k]) : add[k];
    });
    return out;
  }
  window.CMS.registerLocale("vi", merge(window.CMS.getLocale("vi"), extra));
  window.CMS.init();
});
