#!/usr/bin/env bash
# consultation.sh - `make bench`, part 4: consultations on drafts (issue 5) against the limits
# of this machine measured in the same run.
#
#  10. a draft page of about 200 sections with 5,000 comments (the two most agreed shown under
#      each section): uncached render, p99 of one client, vs nginx serving the same bytes
#  11. the response table of those 5,000 comments (2,500 in 500 groups, 2,500 alone) as DOCX,
#      streamed: time to the last byte and the server's peak RSS; the PDF for comparison
#
# The draft is generated (22 Điều of 2 khoản with 3 điểm each, in 4 chương), imported with
# `danchu import document --kind draft`; comments and groups are inserted with SQL, as a large
# commune's would be after a month. Everything listens on 127.0.0.1; every process it starts is
# stopped by PID on exit. Prints a table and appends a dated section to bench/RESULTS.md.
# Environment: DANCHU_BIN, BENCH_SECONDS (10), BENCH_COMMENTS (5000), BENCH_KEEP=1,
# BENCH_RESULTS (bench/RESULTS.md; "-" = none).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${DANCHU_BIN:-build/danchu}
SECS=${BENCH_SECONDS:-10}
COMMENTS=${BENCH_COMMENTS:-5000}
RESULTS=${BENCH_RESULTS:-bench/RESULTS.md}

for tool in wrk nginx curl sqlite3 python3; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (make deps)" >&2; exit 1; }
done
[ -x "$BIN" ] || { echo "bench: $BIN is missing (make)" >&2; exit 1; }
mkdir -p build/bench
WORK=$(mktemp -d "$PWD/build/bench/cs.XXXXXX")
chmod 755 "$WORK"
mkdir -p "$WORK/www/gop-y/du-thao" "$WORK/nginx-tmp"
DB="$WORK/bench.db"
PIDS=()
# shellcheck source=bench/lib.sh
. bench/lib.sh

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: demo, a generated draft of about 200 sections, $COMMENTS comments"
"$BIN" demo --db "sqlite:$DB" --households 200 --disclosures 0 --cases 0 --no-serve \
    >"$WORK/demo.log" 2>&1 || { cat "$WORK/demo.log" >&2; exit 1; }
python3 - "$WORK/draft.txt" <<'EOF'
import sys
roman = ["I", "II", "III", "IV"]
out = ["QUY ĐỊNH", "", "Về quản lý trật tự xây dựng và vệ sinh môi trường trên địa bàn", "",
       "Căn cứ Luật Thực hiện dân chủ ở cơ sở ngày 10 tháng 11 năm 2022;", ""]
d = 0
for c in range(4):
    out += ["Chương " + roman[c], "", "NỘI DUNG PHẦN " + str(c + 1), ""]
    for _ in range(5 if c < 2 else 6):
        d += 1
        out += ["Điều %d. Quy định số %d về trật tự đô thị" % (d, d), ""]
        for k in range(1, 3):
            out += ["%d. Các hộ gia đình, cá nhân thực hiện nội dung %d của điều %d." % (k, k, d), ""]
            for p in "abc":
                out += ["%s) Giữ gìn vệ sinh đường làng, ngõ xóm, không đổ rác thải xây dựng "
                        "ra lòng đường, vỉa hè tại khu vực số %d." % (p, d), ""]
open(sys.argv[1], "w").write("\n".join(out))
EOF
IMPORT=$("$BIN" import document --db "sqlite:$DB" --unit 99001 --kind draft --topic YK5 \
    "$WORK/draft.txt")
ID=$(sed -n 's/.* as consultation \([0-9]*\) .*/\1/p' <<<"$IMPORT")
[ -n "$ID" ] || { echo "bench: import failed: $IMPORT" >&2; exit 1; }
sqlite3 "$DB" <<EOF
PRAGMA foreign_keys = ON;
UPDATE consultations SET status = 'open', opens_on = date('now', '-1 day'),
    closes_on = date('now', '+30 day') WHERE id = $ID;
CREATE TEMP TABLE secs AS SELECT id, ROW_NUMBER() OVER (ORDER BY ord) - 1 AS k
    FROM consultation_sections WHERE consultation_id = $ID AND kind IN ('dieu', 'khoan', 'diem');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
INSERT INTO consultation_groups (consultation_id, section_id, summary, outcome, answer,
    created_at, updated_at)
SELECT $ID, (SELECT id FROM secs WHERE k = n.i % (SELECT COUNT(*) FROM secs)),
    'Nhóm ý kiến số ' || i || ' đề nghị làm rõ trách nhiệm của tổ dân phố và thời hạn thực hiện',
    CASE WHEN i % 3 = 0 THEN 'explained' ELSE 'accepted' END,
    'Tiếp thu, bổ sung vào dự thảo: giao trưởng tổ dân phố theo dõi, báo cáo hằng tháng.', 0, 0
FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $COMMENTS)
INSERT INTO consultation_comments (consultation_id, section_id, version, body, body_fold,
    source, source_note, author_name, agree_count, group_id, created_at)
SELECT $ID, (SELECT id FROM secs WHERE k = n.i % (SELECT COUNT(*) FROM secs)), 1,
    'Ý kiến số ' || i || ': đề nghị quy định rõ giờ thu gom rác, mức xử phạt khi đổ rác '
    || 'không đúng nơi quy định và trách nhiệm của tổ dân phố trong việc nhắc nhở các hộ.',
    ' y kien so ' || i || ' de nghi quy dinh ro gio thu gom rac ', 
    CASE i % 4 WHEN 0 THEN 'online' WHEN 1 THEN 'meeting' WHEN 2 THEN 'box' ELSE 'ballot' END,
    '', 'Người dân ' || i, i % 17,
    CASE WHEN i <= $COMMENTS / 2 THEN (SELECT MIN(id) FROM consultation_groups
        WHERE consultation_id = $ID) + i % 500 END, 0
FROM n;
UPDATE consultation_sections SET comment_count = (SELECT COUNT(*) FROM consultation_comments c
    WHERE c.section_id = consultation_sections.id) WHERE consultation_id = $ID;
UPDATE consultations SET comment_count = $COMMENTS, status = 'published' WHERE id = $ID;
EOF
N_SECTIONS=$(sqlite3 "$DB" "SELECT COUNT(*) FROM consultation_sections WHERE consultation_id = $ID")
N_COMMENTS=$(sqlite3 "$DB" "SELECT COUNT(*) FROM consultation_comments WHERE consultation_id = $ID")
echo "bench: consultation $ID: $N_SECTIONS sections, $N_COMMENTS comments"

PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
"$BIN" serve --db "sqlite:$DB" --listen "127.0.0.1:$PORT" --quiet >"$WORK/serve.log" 2>&1 &
DPID=$!
PIDS+=("$DPID")
wait_http "$BASE/healthz"

# 11 first, on a fresh server: its peak memory is the table's.
echo "bench: 11/11 the response table as DOCX and PDF"
BASE_HWM=$(hwm_mb "$DPID")
DOCX_S=0
for _ in 1 2 3; do
    T=$(curl -fs -o "$WORK/table.docx" -w '%{time_total}' "$BASE/gop-y/du-thao/$ID/bang-tong-hop.docx")
    DOCX_S=$(awk -v a="$T" -v b="$DOCX_S" 'BEGIN { print (a > b) ? a : b }')
done
DOCX_HWM=$(hwm_mb "$DPID")
DOCX_KB=$(($(stat -c %s "$WORK/table.docx") / 1024))
DOCX_ROWS=$(python3 -c "import zipfile,sys; d=zipfile.ZipFile(sys.argv[1]).read('word/document.xml'); print(d.count(b'<w:tr>') + d.count(b'<w:tr '))" "$WORK/table.docx")
PDF_S=$(curl -fs -o "$WORK/table.pdf" -w '%{time_total}' "$BASE/gop-y/du-thao/$ID/bang-tong-hop.pdf")
PDF_HWM=$(hwm_mb "$DPID")
PDF_PAGES=$(pdfinfo "$WORK/table.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}' || echo "?")

echo "bench: 10/11 the draft page, uncached, one client, then nginx on the same bytes"
PAGE="/gop-y/du-thao/$ID"
curl -fs -o "$WORK/www/gop-y/du-thao/$ID" "$BASE$PAGE"
PAGE_KB=$(($(stat -c %s "$WORK/www/gop-y/du-thao/$ID") / 1024))
grep -q 'Ý kiến số' "$WORK/www/gop-y/du-thao/$ID" || { echo "bench: the page shows no comment" >&2; exit 1; }
wrk -t1 -c1 -d2s "$BASE$PAGE" >/dev/null
wrk -t1 -c1 -d"${SECS}s" --latency "$BASE$PAGE" >"$WORK/page.txt"
P_P50=$(pct_ms "$WORK/page.txt" 50%)
P_P99=$(pct_ms "$WORK/page.txt" 99%)
P_RPS=$(rps "$WORK/page.txt")
NPORT=$(free_port)
sed -e "s|@DIR@|$WORK|g" -e "s|@PORT@|$NPORT|g" bench/nginx.conf.in >"$WORK/nginx.conf"
sed -i 's|default_type .*|default_type text/html;|' "$WORK/nginx.conf"
nginx -e "$WORK/nginx-error.log" -p "$WORK" -c "$WORK/nginx.conf" &
NPID=$!
PIDS+=("$NPID")
wait_http "http://127.0.0.1:$NPORT$PAGE"
wrk -t1 -c1 -d"${SECS}s" --latency "http://127.0.0.1:$NPORT$PAGE" >"$WORK/nginx.txt"
N_P99=$(pct_ms "$WORK/nginx.txt" 99%)
N_RPS=$(rps "$WORK/nginx.txt")
stop "$NPID"
stop "$DPID"

TABLE=$(
    printf '| %-46s | %-18s | %-22s | %-7s | %-9s | %-6s |\n' Benchmark danchu Limit Ratio Target Result
    printf '|%s|%s|%s|%s|%s|%s|\n' "------------------------------------------------" \
        "--------------------" "------------------------" "---------" "-----------" "--------"
    printf '| %-46s | %-18s | %-22s | %-7s | %-9s | %-6s |\n' \
        "10. draft page, $N_SECTIONS sections, $N_COMMENTS comments, p99" "$P_P99 ms" \
        "nginx p99 $N_P99 ms" "$(ratio "$P_RPS" "$N_RPS")" "< 50 ms" "$(meets "$P_P99" 50)"
    printf '| %-46s | %-18s | %-22s | %-7s | %-9s | %-6s |\n' \
        "11. response table DOCX, $N_COMMENTS comments" "$DOCX_S s" "-" "-" "< 2 s" \
        "$(meets "$DOCX_S" 2)"
    printf '| %-46s | %-18s | %-22s | %-7s | %-9s | %-6s |\n' \
        "11. server peak RSS after the DOCX" "$DOCX_HWM MB" "idle $BASE_HWM MB" "-" "< 50 MB" \
        "$(meets "$DOCX_HWM" 50)"
)
echo
echo "$TABLE"
echo "page: $PAGE_KB KB, p50 $P_P50 ms, $P_RPS req/s (nginx $N_RPS req/s); DOCX $DOCX_KB KB, $DOCX_ROWS table rows; PDF ${PDF_S}s, $PDF_PAGES pages, peak RSS after it $PDF_HWM MB"

if [ "$RESULTS" != "-" ]; then
    COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
    [ -z "$(git status --porcelain -- src db web 2>/dev/null)" ] || COMMIT="$COMMIT+changes"
    {
        echo
        echo "## $(date -u '+%Y-%m-%d %H:%M UTC') - consultations (issue 5) - commit $COMMIT"
        echo
        echo "Machine: $(nproc) cores, $(uname -sr). A generated draft imported with \`danchu import" \
            "document --kind draft\` ($N_SECTIONS sections), $N_COMMENTS comments and 500 groups" \
            "inserted with SQL; wrk, danchu and nginx share the machine (load before:" \
            "$LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)). One run each."
        echo
        echo "$TABLE"
        echo
        echo "The draft page is $PAGE_KB KB (every section, the two most agreed comments under" \
            "each), rendered on every request (the route is not cached): p50 $P_P50 ms," \
            "$P_RPS req/s; nginx serves the same bytes at $N_RPS req/s. The DOCX (worst of" \
            "three downloads, $DOCX_KB KB, $DOCX_ROWS table rows) is written to a temporary file" \
            "as rows are read and sent when the archive is closed; the server's peak RSS was" \
            "$BASE_HWM MB idle and $DOCX_HWM MB after it. The PDF of the same table: ${PDF_S}s," \
            "$PDF_PAGES pages, peak RSS then $PDF_HWM MB."
        echo
        echo "Commands:"
        echo
        echo "    $BIN import document --db sqlite:DB --unit 99001 --kind draft --topic YK5 draft.txt"
        echo "    curl -o table.docx $BASE/gop-y/du-thao/$ID/bang-tong-hop.docx"
        echo "    wrk -t1 -c1 -d${SECS}s --latency $BASE$PAGE    # and nginx on the same bytes"
    } >>"$RESULTS"
    echo "bench: appended to $RESULTS"
fi
