// Runs one allow-listed command for a rollback: posix_spawn of an argv (no
// shell), stdin from /dev/null, stdout and stderr into one pipe, a deadline
// after which the whole process group is killed. Blocking; any thread.
#pragma once

#include <cstddef>
#include <stop_token>
#include <string>
#include <vector>

#include "core/clock.h"
#include "release/rollback_action.h"

namespace opsdeck::release {

struct CommandRun {
  ActionOutcome outcome;
  std::string output;      // at most `output_cap` bytes of what it printed
  bool truncated = false;  // it printed more than that
};

// argv[0] is an absolute path (config checked it). `timeout` and `stop` both
// end it with SIGKILL to its process group.
CommandRun RunCommand(const std::vector<std::string>& argv, core::Duration timeout,
                      size_t output_cap, std::stop_token stop);

}  // namespace opsdeck::release
