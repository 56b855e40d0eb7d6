#include "release/command_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "core/run_notices.h"

extern char** environ;  // NOLINT: POSIX declares it nowhere else

namespace opsdeck::release {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr int kPollMs = 100;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { Reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// posix_spawn's attribute and file-action objects, destroyed on every path.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

std::string DescribeStatus(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "ended with status " + std::to_string(status);
}

// stdin /dev/null, stdout and stderr into the pipe, no other descriptor of
// ours (sockets, the database) leaks into the child; its own process group so
// a timeout kills what it started too; default signal dispositions (opsdeck
// ignores SIGPIPE, which exec would otherwise pass on).
int Prepare(SpawnSetup& s, int write_fd) {
  int rc = posix_spawn_file_actions_addopen(&s.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(&s.actions, write_fd, STDOUT_FILENO);
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(&s.actions, write_fd, STDERR_FILENO);
  if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&s.actions, STDERR_FILENO + 1);
  if (rc == 0) {
    rc = posix_spawnattr_setflags(
        &s.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  }
  if (rc == 0) rc = posix_spawnattr_setpgroup(&s.attr, 0);
  sigset_t mask;
  sigemptyset(&mask);
  if (rc == 0) rc = posix_spawnattr_setsigmask(&s.attr, &mask);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGCHLD, SIGUSR1, SIGUSR2}) {
    sigaddset(&defaults, sig);
  }
  if (rc == 0) rc = posix_spawnattr_setsigdefault(&s.attr, &defaults);
  return rc;
}

void Keep(CommandRun& run, const char* data, size_t n, size_t cap) {
  const size_t room = run.output.size() < cap ? cap - run.output.size() : 0;
  if (n > room) run.truncated = true;
  run.output.append(data, std::min(n, room));
}

// Reads what is readable without waiting; false at end of file or error.
bool ReadAvailable(int fd, CommandRun& run, size_t cap, int wait_ms) {
  char buf[8192];
  pollfd p{fd, POLLIN, 0};
  int n = ::poll(&p, 1, wait_ms);
  if (n <= 0) return n == 0 || errno == EINTR;
  ssize_t got = ::read(fd, buf, sizeof buf);
  if (got > 0) {
    Keep(run, buf, static_cast<size_t>(got), cap);
    return true;
  }
  return got < 0 && (errno == EINTR || errno == EAGAIN);
}

}  // namespace

CommandRun RunCommand(const std::vector<std::string>& argv, core::Duration timeout,
                      size_t output_cap, std::stop_token stop) {
  CommandRun run;
  if (argv.empty()) {
    run.outcome.error = "no command configured";
    return run;
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    run.outcome.error = std::string("cannot create a pipe: ") + std::strerror(errno);
    return run;
  }
  Fd read_end(fds[0]);
  Fd write_end(fds[1]);
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  pid_t pid = -1;
  int rc = 0;
  {
    SpawnSetup setup;
    rc = Prepare(setup, write_end.get());
    if (rc == 0)
      rc = posix_spawn(&pid, argv[0].c_str(), &setup.actions, &setup.attr, args.data(), environ);
  }
  write_end.Reset();  // the child holds the only write end now: EOF when it is done
  if (rc != 0) {
    run.outcome.error = "cannot start " + argv[0] + ": " + std::strerror(rc);
    return run;
  }

  const auto deadline = SteadyClock::now() + timeout;
  bool exited = false, eof = false, killed = false, timed_out = false, stopped = false;
  int status = 0;
  while (!exited || !eof) {
    if (!exited && ::waitpid(pid, &status, WNOHANG) == pid) exited = true;
    if (exited && !eof) {
      // A grandchild that left the group may hold the pipe open: take what is
      // there and stop waiting.
      for (;;) {
        pollfd p{read_end.get(), POLLIN, 0};
        if (::poll(&p, 1, 0) <= 0 || !ReadAvailable(read_end.get(), run, output_cap, 0)) break;
      }
      break;
    }
    if (!killed && (stop.stop_requested() || SteadyClock::now() >= deadline)) {
      (stop.stop_requested() ? stopped : timed_out) = true;
      ::kill(-pid, SIGKILL);
      killed = true;
    }
    if (!eof) {
      if (!ReadAvailable(read_end.get(), run, output_cap, kPollMs)) eof = true;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  run.outcome.result = DescribeStatus(status);
  if (timed_out) {
    const std::string limit = timeout < std::chrono::seconds(1)
                                  ? std::to_string(timeout.count()) + "ms"
                                  : core::FormatDuration(timeout);
    run.outcome.error = "timed out after " + limit + "; killed";
  } else if (stopped) {
    run.outcome.error = "stopped by shutdown; killed";
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    run.outcome.ok = true;
  } else {
    run.outcome.error = "the command failed: " + run.outcome.result;
  }
  return run;
}

}  // namespace opsdeck::release
