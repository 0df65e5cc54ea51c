"""The invented businesses of the demo, as (legal form, name, legacy province, address, representative, position, products)."""

BINH_THUAN = [
    ("hop_tac_xa", "Hợp tác xã Thanh long Đồi Cát Vàng", "Xã Hàm Minh, huyện Hàm Thuận Nam", "Nguyễn Văn Lực", "Chủ nhiệm HTX", "thanh long ruột đỏ, thanh long sấy dẻo"),
    ("cong_ty_tnhh", "Công ty TNHH Nước mắm Sóng Xanh Phan Thiết", "Phường Đức Long, TP. Phan Thiết", "Trần Thị Hải", "Giám đốc", "nước mắm cá cơm 40 độ đạm"),
    ("co_so_san_xuat", "Cơ sở sản xuất Mực một nắng Gành Son", "Xã Chí Công, huyện Tuy Phong", "Lê Văn Sóng", "Chủ cơ sở", "mực một nắng, cá chỉ vàng"),
    ("cong_ty_co_phan", "Công ty Cổ phần Hạt điều Đất Đỏ Miền Nam Trung Bộ", "Xã Đức Hạnh, huyện Đức Linh", "Phạm Minh Điều", "Tổng giám đốc", "hạt điều rang muối"),
    ("hop_tac_xa", "Hợp tác xã Nông nghiệp Chanh không hạt Hàm Kiệm", "Xã Hàm Kiệm, huyện Hàm Thuận Nam", "Võ Thị Chanh", "Chủ nhiệm HTX", "chanh không hạt, nước cốt chanh"),
    ("ho_kinh_doanh", "Hộ kinh doanh Bánh rế Phan Rí", "Thị trấn Phan Rí Cửa, huyện Tuy Phong", "Đặng Thị Rế", "Chủ hộ", "bánh rế, bánh tráng nướng"),
    ("cong_ty_tnhh", "Công ty TNHH Rong biển Mũi Né Xanh", "Phường Mũi Né, TP. Phan Thiết", "Huỳnh Văn Rong", "Giám đốc", "rong biển sấy giòn"),
    ("doanh_nghiep_tu_nhan", "Doanh nghiệp tư nhân Gạo hữu cơ Bắc Bình", "Xã Phan Hòa, huyện Bắc Bình", "Ngô Văn Lúa", "Chủ doanh nghiệp", "gạo hữu cơ, gạo lứt"),
    ("hop_tac_xa", "Hợp tác xã Dịch vụ Nông nghiệp Long Điền Xanh", "Xã Hàm Đức, huyện Hàm Thuận Bắc", "Bùi Thị Long", "Chủ nhiệm HTX", "thanh long, rượu vang thanh long"),
    ("co_so_san_xuat", "Cơ sở Bánh tráng Mè Đen Hòa Thắng", "Xã Hòa Thắng, huyện Bắc Bình", "Trịnh Văn Mè", "Chủ cơ sở", "bánh tráng mè đen"),
    ("cong_ty_tnhh", "Công ty TNHH Thủy sản Cá Cơm Hàm Tân", "Thị xã La Gi", "Mai Thị Cơm", "Giám đốc", "cá cơm khô, mắm ruốc"),
    ("ho_kinh_doanh", "Hộ kinh doanh Mật ong Rừng Tánh Linh", "Huyện Tánh Linh", "Đoàn Văn Ong", "Chủ hộ", "mật ong rừng"),
    ("cong_ty_co_phan", "Công ty Cổ phần Trái cây Sấy Nắng Cát", "Xã Thiện Nghiệp, TP. Phan Thiết", "Lý Thị Nắng", "Giám đốc", "xoài sấy, thanh long sấy"),
    ("hop_tac_xa", "Hợp tác xã Muối sạch Vĩnh Hảo Trắng", "Xã Vĩnh Hảo, huyện Tuy Phong", "Châu Văn Muối", "Chủ nhiệm HTX", "muối tinh, muối ớt"),
    ("co_so_san_xuat", "Cơ sở Nước mắm truyền thống Làng Chài Cũ", "Phường Phú Hài, TP. Phan Thiết", "Tô Thị Chài", "Chủ cơ sở", "nước mắm nhĩ"),
    ("cong_ty_tnhh", "Công ty TNHH Dừa Sáp Đồi Dương", "Phường Hưng Long, TP. Phan Thiết", "Quách Văn Dừa", "Giám đốc", "kẹo dừa, dầu dừa"),
    ("to_hop_tac", "Tổ hợp tác Dệt thổ cẩm Chăm Phan Hòa", "Xã Phan Hòa, huyện Bắc Bình", "Thị Hoa (dân tộc Chăm)", "Tổ trưởng", "khăn thổ cẩm, túi dệt"),
    ("ho_kinh_doanh", "Hộ kinh doanh Bánh căn Hải Sản Đồi Hồng", "Phường Phú Thủy, TP. Phan Thiết", "Phan Thị Căn", "Chủ hộ", "bột bánh căn đóng gói"),
    ("cong_ty_co_phan", "Công ty Cổ phần Cà phê Cao nguyên Đông Giang", "Xã Đông Giang, huyện Hàm Thuận Bắc", "Lương Văn Phê", "Giám đốc", "cà phê rang xay"),
    ("hop_tac_xa", "Hợp tác xã Hành tím Tuy Phong Biển", "Xã Phước Thể, huyện Tuy Phong", "Kiều Thị Hành", "Chủ nhiệm HTX", "hành tím, hành phi"),
    ("cong_ty_tnhh", "Công ty TNHH Đặc sản Ghẹ Hàm Tiến", "Phường Hàm Tiến, TP. Phan Thiết", "Cao Văn Ghẹ", "Giám đốc", "chả ghẹ, ghẹ sấy"),
    ("co_so_san_xuat", "Cơ sở Rượu Sim Rừng Núi Tà Cú", "Thị trấn Thuận Nam, huyện Hàm Thuận Nam", "Hà Văn Sim", "Chủ cơ sở", "rượu sim, mứt sim"),
]

DAK_LAK = [
    ("cong_ty_co_phan", "Công ty Cổ phần Cà phê Hạt Nâu Buôn Ma Thuột", "Phường Tân Lợi, TP. Buôn Ma Thuột", "Y Nâu Niê", "Tổng giám đốc", "cà phê rang xay, cà phê hòa tan"),
    ("hop_tac_xa", "Hợp tác xã Sầu riêng Krông Pắc Vàng", "Xã Ea Phê, huyện Krông Pắc", "Nguyễn Thị Riêng", "Chủ nhiệm HTX", "sầu riêng tươi, sầu riêng sấy"),
    ("cong_ty_tnhh", "Công ty TNHH Ca cao Đất Đỏ Ea Kar", "Thị trấn Ea Kar, huyện Ea Kar", "Trần Văn Cao", "Giám đốc", "socola đen, bột ca cao"),
    ("hop_tac_xa", "Hợp tác xã Mật ong Hoa Cà phê Cư M'gar", "Xã Ea Tul, huyện Cư M'gar", "H'Ong Mlô", "Chủ nhiệm HTX", "mật ong hoa cà phê"),
    ("co_so_san_xuat", "Cơ sở Tiêu sọ Đồi Gió Cư Kuin", "Xã Ea Tiêu, huyện Cư Kuin", "Lê Văn Tiêu", "Chủ cơ sở", "tiêu đen, tiêu sọ"),
    ("cong_ty_tnhh", "Công ty TNHH Bơ sáp Hòa Thuận Xanh", "Xã Hòa Thuận, TP. Buôn Ma Thuột", "Phạm Thị Bơ", "Giám đốc", "bơ sáp, dầu bơ"),
    ("hop_tac_xa", "Hợp tác xã Gạo Buôn Trấp Hữu cơ", "Thị trấn Buôn Trấp, huyện Krông Ana", "Y Lúa Byă", "Chủ nhiệm HTX", "gạo hữu cơ Krông Ana"),
    ("ho_kinh_doanh", "Hộ kinh doanh Rượu cần Buôn Đôn", "Xã Krông Na, huyện Buôn Đôn", "Y Rượu Ksơr", "Chủ hộ", "rượu cần ghè"),
    ("cong_ty_co_phan", "Công ty Cổ phần Tinh bột sắn Ea Súp", "Thị trấn Ea Súp, huyện Ea Súp", "Đỗ Văn Sắn", "Giám đốc", "tinh bột sắn"),
    ("hop_tac_xa", "Hợp tác xã Cà phê Đặc sản Ea Tu", "Xã Ea Tu, TP. Buôn Ma Thuột", "H'Phê Êban", "Chủ nhiệm HTX", "cà phê đặc sản arabica"),
    ("cong_ty_tnhh", "Công ty TNHH Mắc ca Tây Nguyên Nắng", "Xã Hòa Phú, TP. Buôn Ma Thuột", "Vũ Thị Mắc", "Giám đốc", "hạt mắc ca sấy"),
    ("co_so_san_xuat", "Cơ sở Chuối sấy Krông Năng", "Huyện Krông Năng", "Nông Văn Chuối", "Chủ cơ sở", "chuối sấy dẻo"),
    ("hop_tac_xa", "Hợp tác xã Dệt thổ cẩm Buôn Akô Dhông", "Phường Tân Lợi, TP. Buôn Ma Thuột", "H'Dệt Niê", "Chủ nhiệm HTX", "thổ cẩm Ê Đê"),
    ("cong_ty_tnhh", "Công ty TNHH Đường mía Krông Bông Ngọt", "Huyện Krông Bông", "Lâm Văn Mía", "Giám đốc", "đường mía vàng"),
    ("ho_kinh_doanh", "Hộ kinh doanh Măng khô Lắk", "Thị trấn Liên Sơn, huyện Lắk", "Y Măng Mlô", "Chủ hộ", "măng le khô"),
    ("cong_ty_co_phan", "Công ty Cổ phần Cao su Đất Đỏ M'Drắk", "Huyện M'Drắk", "Hồ Văn Su", "Giám đốc", "sản phẩm cao su"),
    ("hop_tac_xa", "Hợp tác xã Sầu riêng Ea Knốp", "Thị trấn Ea Knốp, huyện Ea Kar", "Đinh Thị Knốp", "Chủ nhiệm HTX", "sầu riêng Ri6"),
    ("cong_ty_tnhh", "Công ty TNHH Trà Lá Vối Ea H'leo", "Huyện Ea H'leo", "Kim Thị Vối", "Giám đốc", "trà vối túi lọc"),
    ("co_so_san_xuat", "Cơ sở Bò một nắng Ea Kar", "Thị trấn Ea Kar, huyện Ea Kar", "Lò Văn Bò", "Chủ cơ sở", "bò một nắng"),
    ("hop_tac_xa", "Hợp tác xã Yến sào Phú Yên Biển Xanh", "Phường 6, TP. Tuy Hòa, tỉnh Phú Yên", "Ksor Yến", "Chủ nhiệm HTX", "yến sào"),
    ("cong_ty_tnhh", "Công ty TNHH Cá ngừ Đại dương Tuy Hòa", "Phường 7, TP. Tuy Hòa, tỉnh Phú Yên", "Trương Văn Ngừ", "Giám đốc", "cá ngừ đóng hộp"),
]

#: the open 2027 week: (legal form, name, province code 2025, address, representative, position, products)
OCOP_2027 = [
    ("hop_tac_xa", "Hợp tác xã Bưởi Da xanh Sông Tiền", "86", "Ấp Phú Hòa, tỉnh Vĩnh Long", "Nguyễn Văn Bưởi", "Chủ nhiệm HTX", "bưởi da xanh"),
    ("cong_ty_tnhh", "Công ty TNHH Chè Shan tuyết Đỉnh Mây", "08", "Thôn Đỉnh Mây, tỉnh Tuyên Quang", "Hoàng Thị Chè", "Giám đốc", "chè shan tuyết"),
    ("cong_ty_co_phan", "Công ty Cổ phần Nước mắm Đảo Ngọc", "91", "Khu phố Biển Ngọc, tỉnh An Giang", "Lâm Văn Ngọc", "Tổng giám đốc", "nước mắm Phú Quốc"),
    ("ho_kinh_doanh", "Hộ kinh doanh Kẹo dừa Bến Tre Xưa", "86", "Số 8 đường Dừa Xiêm, tỉnh Vĩnh Long", "Trần Thị Kẹo", "Chủ hộ", "kẹo dừa"),
    ("hop_tac_xa", "Hợp tác xã Hồng treo gió Đà Lạt Sương", "68", "Số 21 dốc Sương Mù, tỉnh Lâm Đồng", "Phan Văn Hồng", "Chủ nhiệm HTX", "hồng treo gió"),
    ("cong_ty_tnhh", "Công ty TNHH Bánh pía Sóc Trăng Thơm", "92", "Số 5 đường Bánh Pía, TP. Cần Thơ", "Lý Thị Pía", "Giám đốc", "bánh pía sầu riêng"),
]

#: the live week (running on the day the demo is seeded): businesses that exhibit only there,
#: as (legal form, name, province code 2025, address, representative, position, products)
LIVE = [
    ("cong_ty_tnhh", "Công ty TNHH Cà phê Cầu Đất Sương Sớm", "68", "Thôn Cầu Đất, tỉnh Lâm Đồng", "Đinh Văn Sương", "Giám đốc", "cà phê rang xay"),
    ("hop_tac_xa", "Hợp tác xã Mật ong Bạc Hà Cao Nguyên Đá", "08", "Thôn Lũng Cú, tỉnh Tuyên Quang", "Sùng Thị Mai", "Chủ nhiệm HTX", "mật ong bạc hà"),
    ("co_so_san_xuat", "Cơ sở Bánh tráng Trảng Bàng Nắng Sương", "80", "Khu phố Lộc Du, tỉnh Tây Ninh", "Võ Thị Tráng", "Chủ cơ sở", "bánh tráng phơi sương"),
    ("cong_ty_co_phan", "Công ty Cổ phần Hạt điều Bình Phước Vàng", "75", "Ấp Tân Lập, tỉnh Đồng Nai", "Lê Hữu Điều", "Tổng giám đốc", "hạt điều rang muối"),
]
