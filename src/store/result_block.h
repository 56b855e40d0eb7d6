// A block of raw results: the consecutive results of one check, stored as one
// row of check_result_blocks (migration 010) instead of one row each. The
// monitor writes a target's results in groups of up to six; one row per
// group costs one index entry and a few dozen bytes of text where six rows
// cost eighteen index entries.
//
// The text holds one line per result, oldest first, '\n' between lines:
//
//   dt,ok,total,dns,connect,tls,first_byte,http_status,certificate_days,error
//
// dt is milliseconds after the block's first_at (>= 0); ok is 1 or 0; the
// timings are microseconds; an absent timing, a zero http_status and an
// absent certificate_days are empty fields. The error is the rest of the
// line, with '\' written "\\" and a newline "\n". Example (two results, the
// second a refused connection 10 s later):
//
//   0,1,1834,,212,,1490,200,,
//   10000,0,391,,,,,,,connect: connection refused
//
// A result's id in the API is the block's id times kBlockSlots plus its
// position in the block, so ids stay unique and keep the write order.
// Thread-safety: free functions over values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/health.h"
#include "core/result.h"

namespace opsdeck::store {

// At most this many results in one block (positions 0..kBlockSlots-1).
inline constexpr int64_t kBlockSlots = 256;
// A block never spans more than this from its first result to its last, so
// a read for results at or before a time T looks at blocks whose last result
// is at most T + kMaxBlockSpanMs (an index range, not a scan).
inline constexpr int64_t kMaxBlockSpanMs = 3'600'000;

// Appends one result's line (without the '\n') to `out`. `at_ms` is the
// result's time in unix ms; `first_at_ms` the block's first.
void AppendBlockLine(std::string& out, int64_t first_at_ms, int64_t at_ms,
                     const core::CheckResult& result);

// The results of a block, oldest first, their `at` from first_at_ms + dt.
// kInternal for text that is not a block (a damaged row says so, not
// crashes or guesses).
core::Result<std::vector<core::CheckResult>> DecodeBlock(int64_t first_at_ms, std::string_view text);

}  // namespace opsdeck::store
