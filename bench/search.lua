-- search.lua - wrk script for bench/disclosure.sh: each request searches the disclosed items of
-- commune 99001 with one of a list of queries, as residents type them (with and without tone
-- marks, word beginnings, two or three words).
local queries = {
   "ngan sach", "dự toán", "DAN CHU", "bồi thường", "ho ngheo", "thu tuc", "khai sinh",
   "quy hoach", "dat", "tai san cong", "phi cho", "nhap ngu", "thanh tra", "ho tro bao",
   "dong gop", "nha van hoa", "lien thon", "quy III", "danh sach", "ke hoach",
}
-- Percent-encodes a query the way a browser's form does (space as +, UTF-8 bytes as %XX).
local function encode(s)
   s = s:gsub("[^%w%-%.~ ]", function(c) return string.format("%%%02X", string.byte(c)) end)
   return (s:gsub(" ", "+"))
end
local n = 0
request = function()
   n = n + 1
   local q = encode(queries[(n % #queries) + 1])
   return wrk.format("GET", "/search?q=" .. q .. "&unit=99001&format=json")
end
