-- vote.lua - wrk script for bench/decision.sh: households vote online with their ballot
-- cards' one-time codes (POST /phieu/CODE, lua_chon=1, as an anonymous visitor with its
-- dc_anon cookie and CSRF token), each code once.
--
-- Every wrk thread reads the codes file and takes every BENCH_THREADS-th code from its own
-- position, so threads (which share nothing) never send the same code. A 200 whose page holds
-- <code>RECEIPT</code> is an acknowledged vote and its receipt is kept; 409 (the household has
-- voted) and every other status are counted apart. When a thread runs out of codes it sends
-- GET /healthz instead (counted as spare, never as a vote) and done() reports it: the run was
-- then too short of households. done() prints one line of totals and writes the receipts,
-- one a line, to BENCH_RECEIPTS.
--
-- Environment: BENCH_CODES (file of codes), BENCH_ANON (dc_anon cookie), BENCH_CSRF (its
-- token), BENCH_THREADS (wrk's -t), BENCH_RECEIPTS (output file).

local codes_file = os.getenv("BENCH_CODES") or "codes.txt"
local anon = os.getenv("BENCH_ANON") or ""
local csrf = os.getenv("BENCH_CSRF") or ""
local n_threads = tonumber(os.getenv("BENCH_THREADS") or "1")
local receipts_file = os.getenv("BENCH_RECEIPTS") or "receipts.txt"

local threads = {}
local next_tid = 0

function setup(thread)
   thread:set("tid", next_tid)
   next_tid = next_tid + 1
   table.insert(threads, thread)
end

function init(args)
   codes = {}
   local i = 0
   for line in io.lines(codes_file) do
      if i % n_threads == tid then
         codes[#codes + 1] = line
      end
      i = i + 1
   end
   next_code = 1
   sent = 0       -- vote requests built (a thread's first is only parsed by wrk, never sent)
   answered = 0   -- answers to them
   ok = 0
   repeated = 0
   other = 0
   spare = 0
   receipts = {}
   headers = {
      ["Cookie"] = "dc_anon=" .. anon,
      ["Content-Type"] = "application/x-www-form-urlencoded",
   }
   body = "lua_chon=1&_csrf=" .. csrf
end

function request()
   local code = codes[next_code]
   if not code then
      return wrk.format("GET", "/healthz")
   end
   next_code = next_code + 1
   sent = sent + 1
   return wrk.format("POST", "/phieu/" .. code, headers, body)
end

function response(status, headers, body)
   if status == 200 then
      local receipt = string.match(body, "<code>(%w+)</code>")
      if receipt then
         ok = ok + 1
         receipts[ok] = receipt
      else
         spare = spare + 1
         return
      end
   elseif status == 409 then
      repeated = repeated + 1
   else
      other = other + 1
   end
   answered = answered + 1
end

function done(summary, latency, requests)
   local t = {sent = 0, answered = 0, ok = 0, repeated = 0, other = 0, spare = 0}
   local out = assert(io.open(receipts_file, "w"))
   for _, th in ipairs(threads) do
      for k, _ in pairs(t) do
         t[k] = t[k] + th:get(k)
      end
      for _, r in ipairs(th:get("receipts")) do
         out:write(r, "\n")
      end
   end
   out:close()
   local secs = summary.duration / 1e6
   io.write(string.format("votes_ok %d repeated %d other %d sent %d unanswered %d spare %d " ..
                          "seconds %.3f votes_per_s %.1f\n", t.ok, t.repeated, t.other, t.sent,
                          t.sent - t.answered, t.spare, secs, t.ok / secs))
end
