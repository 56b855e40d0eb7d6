// `demo:` section: a built-in demo for a first look without any CI or AWS
// (docs/demo.md). Plain values, immutable once loaded; any thread may read.
#pragma once

#include <cstdint>
#include <string>

#include "core/clock.h"

namespace opsdeck::config {

using namespace std::chrono_literals;

struct DemoConfig {
  bool enabled = false;  // absent section: off
  // The demo's local targets (web, api, payments, database endpoints) listen
  // here; loopback only, so the demo never serves beyond this machine.
  std::string targets_listen = "127.0.0.1:8091";
  std::string targets_host = "127.0.0.1";  // parsed from targets_listen
  uint16_t targets_port = 8091;
  // One beat of the demo's timeline: targets change state and pipelines
  // advance once per beat. A state lasts several beats, so keep the catalog
  // checks' interval x failure_threshold below about 3 beats.
  core::Duration pace = 5s;
};

}  // namespace opsdeck::config
