/*
 * err.c - names, HTTP statuses and Vietnamese messages for enum err.
 */
#include "err.h"

struct err_row {
    int code;         /* the enum err value */
    const char *name; /* English name for logs */
    int status;       /* HTTP status */
    const char *vi;   /* what the person reads */
};

static const struct err_row err_rows[] = {
    {ERR_OK, "ok", 200, "Thành công."},
    {ERR_NOMEM, "nomem", 503, "Hệ thống đang quá tải, vui lòng thử lại sau ít phút."},
    {ERR_INVALID, "invalid", 400, "Dữ liệu gửi lên chưa hợp lệ, vui lòng kiểm tra lại."},
    {ERR_NOT_FOUND, "not_found", 404, "Không tìm thấy trang hoặc dữ liệu yêu cầu."},
    {ERR_CONFLICT, "conflict", 409,
     "Dữ liệu đã bị thay đổi hoặc trùng lặp, vui lòng kiểm tra lại."},
    {ERR_FORBIDDEN, "forbidden", 403, "Tài khoản của bạn không có quyền thực hiện việc này."},
    {ERR_UNAUTH, "unauthorized", 401, "Vui lòng đăng nhập để tiếp tục."},
    {ERR_TOO_LARGE, "too_large", 413, "Dữ liệu hoặc tệp gửi lên quá lớn."},
    {ERR_DB, "db", 500, "Lỗi cơ sở dữ liệu, thao tác chưa được ghi nhận. Vui lòng thử lại."},
    {ERR_IO, "io", 500, "Lỗi đọc ghi dữ liệu, vui lòng thử lại."},
    {ERR_CSRF, "csrf", 403,
     "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và gửi lại."},
    {ERR_RATE, "rate_limited", 429, "Bạn thao tác quá nhanh, vui lòng chờ một lát rồi thử lại."},
    {ERR_UNAVAILABLE, "unavailable", 503,
     "Hệ thống tạm thời không phục vụ được, vui lòng thử lại sau."},
    {ERR_METHOD, "method", 405, "Phương thức yêu cầu không được hỗ trợ."},
    {ERR_UNSUPPORTED, "unsupported", 415, "Định dạng dữ liệu không được hỗ trợ."},
    {ERR_INTERNAL, "internal", 500, "Đã xảy ra lỗi hệ thống. Vui lòng thử lại sau."},
};

static const struct err_row *err_find(int code)
{
    for (unsigned i = 0; i < sizeof err_rows / sizeof err_rows[0]; i++)
        if (err_rows[i].code == code)
            return &err_rows[i];
    return &err_rows[sizeof err_rows / sizeof err_rows[0] - 1];
}

const char *err_name(int code)
{
    return err_find(code)->name;
}

int err_http_status(int code)
{
    return err_find(code)->status;
}

const char *err_message_vi(int code)
{
    return err_find(code)->vi;
}
