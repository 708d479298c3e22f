-- write.lua - wrk script for bench/run.sh: each request adds a household with a
-- unique code (POST /don-vi/UNIT/ho) as one signed-in village head.
--
-- Environment: BENCH_UNIT (village code), BENCH_SESSION (dc_session cookie),
-- BENCH_CSRF (that session's _csrf token), BENCH_PREFIX (code prefix, unique
-- per run). Codes are PREFIX-T-N: thread T, request N of that thread.
-- Only 303 (the redirect to the new household) and 2xx count as writes; every
-- other status is tallied apart and printed by done().

local unit = os.getenv("BENCH_UNIT") or "9900101"
local session = os.getenv("BENCH_SESSION") or ""
local csrf = os.getenv("BENCH_CSRF") or ""
local prefix = os.getenv("BENCH_PREFIX") or "B"

local threads = {}
local next_id = 1

function setup(thread)
   thread:set("tid", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

function init(args)
   n = 0
   ok = 0
   other = 0
   path = "/don-vi/" .. unit .. "/ho"
   headers = {
      ["Cookie"] = "dc_session=" .. session,
      ["Content-Type"] = "application/x-www-form-urlencoded",
   }
end

function request()
   n = n + 1
   local body = "_csrf=" .. csrf ..
      "&ma_ho=" .. prefix .. "-" .. tid .. "-" .. n ..
      "&dia_chi=S%E1%BB%91+12+%C4%91%C6%B0%E1%BB%9Dng+H%C3%B9ng+V%C6%B0%C6%A1ng" ..
      "&ho_ten=Nguy%E1%BB%85n+V%C4%83n+An&ngay_sinh=1980&gioi_tinh=nam" ..
      "&quan_he=Ch%E1%BB%A7+h%E1%BB%99"
   return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
   if status == 303 or (status >= 200 and status < 300) then
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
