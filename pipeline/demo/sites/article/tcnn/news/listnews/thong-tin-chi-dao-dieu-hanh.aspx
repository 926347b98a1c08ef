<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Thông tin chỉ đạo, điều hành</title></head><body>
<div id="s4-ribbonrow"><a href="#ctl00_ribbon" class="ms-skip">Skip Ribbon Commands</a> <a href="#mainContent" class="ms-skip">Skip to main content</a></div>
<div class="header"><a href="/"><img src="/images/logo.png" alt="Tạp chí Tổ chức Nhà nước"></a>
<ul class="menu"><li><a href="/">Trang chủ</a></li><li><a href="/news/listnews/thong-tin-chi-dao-dieu-hanh.aspx">Thông tin chỉ đạo, điều hành</a></li><li><a href="/news/listnews/chuyen-doi-so.aspx">Chuyển đổi số</a></li></ul></div>
<div id="mainContent">
<div class="list-news"><h1>Thông tin chỉ đạo, điều hành</h1><ul><li><a href="/news/detail/62040/thao-go-dut-diem-nhung-kho-khan-vuong-mac-ve-co-che-chinh-sach-tthc-la-rao-canall.aspx">Tháo gỡ dứt điểm những khó khăn, vướng mắc về về cơ chế, chính sách, TTHC là rào cản</a></li></ul></div>
<div class="links"><a href="/news/listnews/chuyen-doi-so.aspx">Chuyển đổi số</a> <a href="/lien-he.aspx">Liên hệ</a></div>
</div><div class="footer">Tạp chí Tổ chức Nhà nước<p class="demo-note">Trang mô phỏng ngoại tuyến dùng cho bản chạy thử chidao (chidao demo).</p></div></body></html>
