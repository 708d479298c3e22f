-- submit.lua - wrk script for bench/feedback.sh: each request sends the commune a text-only
-- phản ánh through the public form (POST /gui-y-kien/UNIT), as an anonymous resident with a
-- visitor cookie and its CSRF token. Only 303 (the redirect to the tracking page) counts as a
-- write; every other status is tallied apart and printed by done().
--
-- Environment: BENCH_UNIT (commune code), BENCH_ANON (dc_anon cookie), BENCH_CSRF (its token).

local unit = os.getenv("BENCH_UNIT") or "99001"
local anon = os.getenv("BENCH_ANON") or ""
local csrf = os.getenv("BENCH_CSRF") or ""

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   n = 0
   ok = 0
   other = 0
   path = "/gui-y-kien/" .. unit
   headers = {
      ["Cookie"] = "dc_anon=" .. anon,
      ["Content-Type"] = "application/x-www-form-urlencoded",
   }
end

function request()
   n = n + 1
   local body = "_csrf=" .. csrf ..
      "&loai=feedback&linh_vuc=ha_tang&an_danh=1" ..
      "&tieu_de=%C4%90%C3%A8n+%C4%91%C6%B0%E1%BB%9Dng+h%E1%BB%8Fng+" .. n ..
      "&noi_dung=%C4%90%C3%A8n+chi%E1%BA%BFu+s%C3%A1ng+tr%C3%AAn+tr%E1%BB%A5c+" ..
      "%C4%91%C6%B0%E1%BB%9Dng+ch%C3%ADnh+kh%C3%B4ng+s%C3%A1ng+%C4%91%C3%A3+hai+tu%E1%BA%A7n."
   return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
   if status == 303 then
      ok = ok + 1
   else
      other = other + 1
   end
end

function done(summary, latency, requests)
   local total_ok, total_other = 0, 0
   for _, t in ipairs(threads) do
      total_ok = total_ok + t:get("ok")
      total_other = total_other + t:get("other")
   end
   local secs = summary.duration / 1e6
   io.write(string.format("writes_ok %d other %d seconds %.3f writes_per_s %.1f\n",
                          total_ok, total_other, secs, total_ok / secs))
end
