// Process exit codes, documented in docs/cli.md. Stable: scripts rely on them.
#pragma once

namespace opsdeck::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;       // invalid config, failed check, command failed
inline constexpr int kExitUsage = 2;         // bad command line
inline constexpr int kExitStorage = 3;       // storage cannot be opened or migrated
inline constexpr int kExitListen = 4;        // cannot listen on server.listen
// `opsdeck audit docs --file-tickets`: not every ticket could be filed
// (credentials, a lasting 429, Jira down, a refused issue); outranks 1.
inline constexpr int kExitTicketsNotFiled = 5;

}  // namespace opsdeck::app
