// The rollback action runner for real: HTTP against a loopback receiver
// (method, templated URL, headers and body; non-2xx, timeout, no secret in
// errors) and commands through posix_spawn (arguments templated without a
// shell, stdin /dev/null, exit codes, timeout and stop kill the process
// group, output capped).
#include "release/rollback_action.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <stop_token>
#include <thread>

#include "loopback_receiver.h"
#include "release/command_runner.h"
#include "temp_dir.h"

namespace opsdeck::release {
namespace {

using namespace std::chrono_literals;
using testing::LoopbackReceiver;
using testing::TempDir;

config::RollbackActionConfig HttpAction(int port, std::string method = "POST") {
  config::RollbackHttpConfig http;
  http.method = std::move(method);
  http.url = "http://127.0.0.1:" + std::to_string(port) + "/dispatch/{{environment}}?v={{version}}";
  http.headers.push_back({"Authorization", core::SecretString("Bearer s3cret-token")});
  http.headers.push_back({"X-Rollback", core::SecretString("{{rollback_id}}")});
  http.body = R"({"ref":"main","inputs":{"version":"{{version}}","env":"{{environment}}"}})";
  return config::RollbackActionConfig{http};
}

config::RollbackActionConfig CommandAction(std::vector<std::string> argv) {
  return config::RollbackActionConfig{config::RollbackCommandConfig{std::move(argv)}};
}

const ActionVars kVars{"1.4.1+build.7", "production", 42};

TEST(FillTemplate, ReplacesKnownNamesAndKeepsTheRest) {
  EXPECT_EQ(FillTemplate("v={{version}} e={{environment}} id={{rollback_id}} {{other}}", kVars),
            "v=1.4.1+build.7 e=production id=42 {{other}}");
  EXPECT_EQ(FillTemplate("{{version}}{{version}}", kVars), "1.4.1+build.71.4.1+build.7");
  EXPECT_EQ(FillTemplate("{{vers", kVars), "{{vers");
  EXPECT_EQ(FillTemplate("", kVars), "");
}

TEST(FillTemplate, SafeValuesOnly) {
  EXPECT_TRUE(IsTemplateSafe("1.4.1+build.7"));
  EXPECT_TRUE(IsTemplateSafe("v2026-11-29_rc1"));
  EXPECT_FALSE(IsTemplateSafe("1.4\"}"));
  EXPECT_FALSE(IsTemplateSafe("1.4 1"));
  EXPECT_FALSE(IsTemplateSafe("1.4\n"));
  EXPECT_FALSE(IsTemplateSafe("a\\b"));
}

TEST(HttpAction, SendsTheTemplatedRequest) {
  LoopbackReceiver receiver(204);
  auto runner = MakeActionRunner();
  ActionOutcome out = runner->Run(HttpAction(receiver.port()), kVars, {});
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.result, "HTTP 204");
  EXPECT_EQ(out.error, "");
  auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& r = requests[0];
  EXPECT_EQ(r.method, "POST");
  // The version is percent-encoded in the URL, as is in headers and body.
  EXPECT_EQ(r.target, "/dispatch/production?v=1.4.1%2Bbuild.7");
  EXPECT_EQ(r.headers.at("authorization"), "Bearer s3cret-token");
  EXPECT_EQ(r.headers.at("x-rollback"), "42");
  EXPECT_EQ(r.body, R"({"ref":"main","inputs":{"version":"1.4.1+build.7","env":"production"}})");
}

TEST(HttpAction, NonSuccessFailsWithoutNamingSecrets) {
  LoopbackReceiver receiver(422);
  auto runner = MakeActionRunner();
  ActionOutcome out = runner->Run(HttpAction(receiver.port(), "PUT"), kVars, {});
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.result, "HTTP 422");
  EXPECT_NE(out.error.find("422"), std::string::npos);
  EXPECT_EQ(out.error.find("s3cret"), std::string::npos);
  ASSERT_EQ(receiver.requests().size(), 1u);
  EXPECT_EQ(receiver.requests()[0].method, "PUT");
}

TEST(HttpAction, TimeoutAndUnreachableFailWithoutSecrets) {
  LoopbackReceiver receiver(204);
  receiver.set_delay(3s);
  ActionLimits limits;
  limits.http_timeout = 300ms;
  auto runner = MakeActionRunner(limits);
  const auto start = std::chrono::steady_clock::now();
  ActionOutcome out = runner->Run(HttpAction(receiver.port()), kVars, {});
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.result, "");
  EXPECT_NE(out.error.find("timed out"), std::string::npos) << out.error;
  EXPECT_EQ(out.error.find("s3cret"), std::string::npos);

  int closed_port = 0;
  {
    LoopbackReceiver gone;
    closed_port = gone.port();
  }
  out = runner->Run(HttpAction(closed_port), kVars, {});
  EXPECT_FALSE(out.ok);
  EXPECT_FALSE(out.error.empty());
  EXPECT_EQ(out.error.find("s3cret"), std::string::npos);
}

TEST(HttpAction, RefusesAVersionThatWouldBreakOutOfTheBody) {
  LoopbackReceiver receiver(204);
  auto runner = MakeActionRunner();
  ActionOutcome out =
      runner->Run(HttpAction(receiver.port()), ActionVars{"1\",\"x\":\"y", "production", 1}, {});
  EXPECT_FALSE(out.ok);
  EXPECT_TRUE(receiver.requests().empty());
}

TEST(CommandAction, EchoSucceeds) {
  auto runner = MakeActionRunner();
  ActionOutcome out =
      runner->Run(CommandAction({"/bin/echo", "rolling back to", "{{version}}"}), kVars, {});
  EXPECT_TRUE(out.ok) << out.error;
  EXPECT_EQ(out.result, "exit 0");
}

TEST(CommandAction, ArgumentsAreTemplatedWithoutAShell) {
  TempDir dir;
  const std::string args_file = dir.path() + "/args.txt";
  const std::string stdin_file = dir.path() + "/stdin.txt";
  const std::string script = dir.Script("redeploy.sh",
                                        "#!/bin/sh\n"
                                        "printf '%s|' \"$@\" > " +
                                            args_file +
                                            "\n"
                                            "cat > " +
                                            stdin_file + "\n");
  auto runner = MakeActionRunner();
  // `$(id)` and `;` reach the program as text: there is no shell in between.
  ActionOutcome out = runner->Run(
      CommandAction({script, "--env", "{{environment}}", "--version", "{{version}}", "$(id);x"}),
      kVars, {});
  ASSERT_TRUE(out.ok) << out.error;
  EXPECT_EQ(TempDir::Read(args_file), "--env|production|--version|1.4.1+build.7|$(id);x|");
  EXPECT_EQ(TempDir::Read(stdin_file), "");  // stdin is /dev/null: cat ends at once
}

TEST(CommandAction, ExitCodeIsTheResult) {
  TempDir dir;
  const std::string script =
      dir.Script("fail.sh", "#!/bin/sh\necho 'no such release' >&2\nexit 3\n");
  auto runner = MakeActionRunner();
  ActionOutcome out = runner->Run(CommandAction({script}), kVars, {});
  EXPECT_FALSE(out.ok);
  EXPECT_EQ(out.result, "exit 3");
  EXPECT_NE(out.error.find("exit 3"), std::string::npos);
  EXPECT_EQ(out.error.find("no such release"), std::string::npos);  // output goes to the log only

  out = runner->Run(CommandAction({dir.path() + "/missing"}), kVars, {});
  EXPECT_FALSE(out.ok);
  EXPECT_NE(out.error.find("cannot start"), std::string::npos) << out.error;
}

TEST(CommandAction, TimeoutKillsTheProcessGroup) {
  TempDir dir;
  const std::string marker = dir.path() + "/still-running";
  // The child starts a grandchild that would write the marker after 2 s.
  const std::string script =
      dir.Script("hang.sh", "#!/bin/sh\n(sleep 2; touch " + marker + ") &\nsleep 30\n");
  const auto start = std::chrono::steady_clock::now();
  CommandRun run = RunCommand({script}, 300ms, 1024, {});
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_FALSE(run.outcome.ok);
  EXPECT_EQ(run.outcome.result, "killed by signal 9");
  EXPECT_NE(run.outcome.error.find("timed out"), std::string::npos) << run.outcome.error;
  std::this_thread::sleep_for(2500ms);
  EXPECT_FALSE(std::ifstream(marker).good()) << "the grandchild survived the kill";
}

TEST(CommandAction, StopKillsARunningCommand) {
  TempDir dir;
  const std::string script = dir.Script("hang.sh", "#!/bin/sh\nsleep 30\n");
  std::stop_source stop;
  std::thread stopper([&] {
    std::this_thread::sleep_for(200ms);
    stop.request_stop();
  });
  const auto start = std::chrono::steady_clock::now();
  auto runner = MakeActionRunner();
  ActionOutcome out = runner->Run(CommandAction({script}), kVars, stop.get_token());
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_FALSE(out.ok);
  EXPECT_NE(out.error.find("stopped"), std::string::npos) << out.error;
}

TEST(CommandAction, OutputIsCapped) {
  TempDir dir;
  const std::string script = dir.Script(
      "chatty.sh", "#!/bin/sh\nhead -c 200000 /dev/zero | tr '\\0' 'x'\necho done >&2\n");
  CommandRun run = RunCommand({script}, 10s, 64 * 1024, {});
  EXPECT_TRUE(run.outcome.ok) << run.outcome.error;
  EXPECT_EQ(run.output.size(), 64u * 1024u);
  EXPECT_TRUE(run.truncated);
  EXPECT_EQ(run.output.find_first_not_of('x'), std::string::npos);
}

}  // namespace
}  // namespace opsdeck::release
