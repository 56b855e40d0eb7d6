// SqlRunStore::Ingest: one delivery, one write transaction. The hot path of
// webhook intake, so every statement is a fixed SQL string (prepared once
// per connection on SQLite), a run and its pipeline are read in one query,
// and only what changed is written (docs/storage.md has the measurements).
#include <algorithm>
#include <memory>
#include <optional>
#include <set>

#include "store/sql_run_rows.h"
#include "store/sql_run_store.h"

namespace opsdeck::store {
namespace {

using namespace runs_sql;

constexpr std::string_view kInsertDelivery =
    "INSERT INTO webhook_deliveries (source, delivery_id, received_at, outcome) VALUES (?, ?, ?, "
    "?) "
    "ON CONFLICT (source, delivery_id) DO NOTHING";

constexpr std::string_view kInsertRun =
    "INSERT INTO runs (pipeline_id, environment_id, source, external_id, attempt, status, "
    "source_status, "
    "title, version, commit_sha, ref, url, triggered_by, created_at, started_at, finished_at, "
    "run_at, "
    "recorded_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
// Not INSERT ... RETURNING: on SQLite the rowid is free (Tx::LastInsertId)
// and on PostgreSQL this second index lookup measured no dearer. (A new run
// is one event in several; deployments, rarer still, keep RETURNING.)
constexpr std::string_view kRunId =
    "SELECT id FROM runs WHERE pipeline_id = ? AND source = ? AND external_id = ?";

// pipeline, environment, source and external id never change for a run.
// SQLite rewrites every index holding a column an UPDATE sets, changed or
// not, so status and run_at (in all four list indexes) are only set when
// they may have changed; most events (stages, fields) leave them alone.
constexpr std::string_view kUpdateRunAndOrder =
    "UPDATE runs SET attempt = ?, source_status = ?, title = ?, version = ?, commit_sha = ?, "
    "ref = ?, url = ?, triggered_by = ?, created_at = ?, started_at = ?, finished_at = ?, "
    "updated_at = ?, "
    "status = ?, run_at = COALESCE(?, ?, recorded_at) WHERE id = ?";
constexpr std::string_view kUpdateRun =
    "UPDATE runs SET attempt = ?, source_status = ?, title = ?, version = ?, commit_sha = ?, "
    "ref = ?, url = ?, triggered_by = ?, created_at = ?, started_at = ?, finished_at = ?, "
    "updated_at = ? "
    "WHERE id = ?";

// The stored stages were read in this transaction, so whether a stage is new
// is known: a plain INSERT or UPDATE, no upsert.
constexpr std::string_view kInsertStage =
    "INSERT INTO stages (position, status, source_status, url, started_at, finished_at, run_id, "
    "name) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kUpdateStage =
    "UPDATE stages SET position = ?, status = ?, source_status = ?, url = ?, started_at = ?, "
    "finished_at = ? "
    "WHERE run_id = ? AND name = ?";
constexpr std::string_view kDeleteStage = "DELETE FROM stages WHERE run_id = ? AND name = ?";
constexpr std::string_view kDeleteStages = "DELETE FROM stages WHERE run_id = ?";

// run_tracker.h: a later emission replaces the text fields it has non-empty
// (NULL here) and the time.
constexpr std::string_view kUpsertDeployment =
    "INSERT INTO deployments (pipeline_id, run_id, attempt, environment_id, version, commit_sha, "
    "url, "
    "deployed_at, recorded_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (pipeline_id, run_id, attempt) DO UPDATE SET environment_id = "
    "excluded.environment_id, "
    "version = COALESCE(excluded.version, deployments.version), "
    "commit_sha = COALESCE(excluded.commit_sha, deployments.commit_sha), "
    "url = COALESCE(excluded.url, deployments.url), deployed_at = excluded.deployed_at, "
    "updated_at = excluded.updated_at "
    "RETURNING version, commit_sha, url";

constexpr std::string_view kInsertUnmatched =
    "INSERT INTO unmatched_events (source, event_type, external_id, reason, summary, received_at) "
    "VALUES (?, ?, ?, ?, ?, ?)";

// The pipeline (active), the binding's environment (active) and the run, in
// one round trip; no row when the pipeline is not stored. Columns: pipeline
// id, environment id, kRunColumns (r.id NULL when there is no run yet).
// Stages are a second query: joined in, every run column would be repeated
// on each stage's row, and reading values out is most of a read's cost.
const std::string& LoadSql() {
  static const std::string sql = std::string(
                                     "SELECT p.id, (SELECT be.id FROM environments be WHERE "
                                     "be.name = ? AND be.retired_at IS NULL), ") +
                                 std::string(kRunColumns) +
                                 " FROM pipelines p LEFT JOIN runs r ON r.pipeline_id = p.id AND "
                                 "r.source = ? AND r.external_id = ?"
                                 " LEFT JOIN environments e ON e.id = r.environment_id"
                                 " WHERE p.name = ? AND p.retired_at IS NULL";
  return sql;
}
constexpr size_t kLoadRunAt = 2;

const std::string& StagesSql() {
  static const std::string sql =
      "SELECT " + std::string(kStageColumns) + " FROM stages s WHERE s.run_id = ?";
  return sql;
}

struct Loaded {
  int64_t pipeline_id = 0;
  std::optional<int64_t> binding_environment_id;
  std::optional<core::Run> run;
  std::optional<int64_t> run_environment_id;
};

std::string_view OutcomeOf(const IntakeRequest& request) {
  if (!request.events.empty()) return "accepted";
  if (!request.unmatched.empty()) return "unmatched";
  return "ignored";
}

std::string LockName(const BoundEvent& be) {
  return "run:" + be.binding.pipeline + ":" + be.event.external_run_id;
}

class Intake {
 public:
  Intake(Tx& tx, const IntakeRequest& request)
      : tx_(tx), request_(request), now_(core::ToUnixMillis(request.received_at)) {}

  core::Result<IntakeResult> Run() {
    if (!request_.delivery_id.empty()) {
      auto ins = tx_.Exec(kInsertDelivery, {request_.source, request_.delivery_id, now_,
                                            std::string(OutcomeOf(request_))});
      if (!ins) return ins.error();
      if (*ins == 0) {
        result_.duplicate = true;
        return std::move(result_);
      }
    }
    // Every run this delivery touches, locked in one global order, so two
    // deliveries about the same runs cannot deadlock each other.
    if (!tx_.dialect().TxLockSql().empty()) {  // SQLite: write transactions are exclusive anyway
      std::set<std::string> locks;
      for (const BoundEvent& be : request_.events) locks.insert(LockName(be));
      for (const std::string& name : locks) {
        if (auto r = LockForWrite(tx_, name); !r) return r.error();
      }
    }
    for (const BoundEvent& be : request_.events) {
      if (auto r = Apply(be); !r) return r.error();
    }
    if (request_.outbox && (!result_.changed.empty() || !result_.deployments.empty())) {
      std::vector<OutboxEntry> entries = request_.outbox(result_);
      if (!entries.empty()) {
        if (auto r = AppendOutbox(tx_, entries, request_.received_at); !r) return r.error();
        result_.outbox_appended = entries.size();
      }
    }
    for (const UnmatchedInput& u : request_.unmatched) {
      auto r =
          tx_.Exec(kInsertUnmatched, {u.source, TextOrNull(u.event_type), TextOrNull(u.external_id),
                                      u.reason, TextOrNull(u.summary_json), now_});
      if (!r) return r.error();
      ++result_.unmatched;
    }
    return std::move(result_);
  }

 private:
  core::Result<Loaded> Load(const BoundEvent& be) {
    const core::PipelineBinding& b = be.binding;
    auto rows =
        tx_.Query(LoadSql(), {b.environment, std::string(core::SourceKindName(be.event.source)),
                              be.event.external_run_id, b.pipeline});
    if (!rows) return rows.error();
    if (rows->empty())
      return core::Error::NotFound("pipeline '" + b.pipeline + "' is not stored or retired");
    const Row& first = rows->front();
    Loaded out{IntOr(first[0], 0), OptInt(first[1]), std::nullopt, std::nullopt};
    if (!b.environment.empty() && !out.binding_environment_id) {
      return core::Error::NotFound("environment '" + b.environment + "' is not stored or retired");
    }
    if (IsNull(first[kLoadRunAt])) return out;
    out.run = FromRunRow(first, kLoadRunAt);
    out.run_environment_id = OptInt(first[kLoadRunAt + kRunColumnCount - 1]);
    auto stages = tx_.Query(StagesSql(), {out.run->id});
    if (!stages) return stages.error();
    out.run->stages = StagesFromRows(*stages, 0);
    return out;
  }

  core::Result<int64_t> Insert(const core::Run& run, int64_t pipeline_id,
                               const std::optional<int64_t>& env) {
    const Value run_at = run.started_at   ? TimeOrNull(run.started_at)
                         : run.created_at ? TimeOrNull(run.created_at)
                                          : Value(now_);
    auto ins = tx_.Exec(
        kInsertRun,
        {pipeline_id, env ? Value(*env) : Value(), std::string(core::SourceKindName(run.source)),
         run.external_run_id, int64_t{run.attempt}, std::string(core::RunStatusName(run.status)),
         TextOrNull(run.source_status), TextOrNull(run.title), TextOrNull(run.version),
         TextOrNull(run.commit), TextOrNull(run.ref), TextOrNull(run.url), TextOrNull(run.trigger),
         TimeOrNull(run.created_at), TimeOrNull(run.started_at), TimeOrNull(run.finished_at),
         run_at, now_, now_});
    if (!ins) return ins.error();
    if (*ins == 1) {
      if (const auto id = tx_.LastInsertId()) return *id;  // SQLite: no second statement
    }
    auto rows = tx_.Query(
        kRunId, {pipeline_id, std::string(core::SourceKindName(run.source)), run.external_run_id});
    if (!rows) return rows.error();
    if (rows->empty()) return core::Error::Internal("run store: INSERT returned no id");
    return IntOr(rows->front()[0], 0);
  }

  core::Result<void> Update(const core::Run& before, const core::Run& run) {
    Params p{int64_t{run.attempt},       TextOrNull(run.source_status), TextOrNull(run.title),
             TextOrNull(run.version),    TextOrNull(run.commit),        TextOrNull(run.ref),
             TextOrNull(run.url),        TextOrNull(run.trigger),       TimeOrNull(run.created_at),
             TimeOrNull(run.started_at), TimeOrNull(run.finished_at),   now_};
    const bool reorder = before.status != run.status || before.started_at != run.started_at ||
                         before.created_at != run.created_at;
    if (reorder) {
      p.emplace_back(std::string(core::RunStatusName(run.status)));
      p.push_back(TimeOrNull(run.started_at));
      p.push_back(TimeOrNull(run.created_at));
    }
    p.emplace_back(run.id);
    auto r = tx_.Exec(reorder ? kUpdateRunAndOrder : kUpdateRun, p);
    if (!r) return r.error();
    return core::Ok();
  }

  // Writes the difference between the stored stages and the tracker's.
  core::Result<void> SyncStages(int64_t run_id, const std::vector<core::Stage>& before,
                                const std::vector<core::Stage>& after) {
    if (after.empty()) {
      if (before.empty()) return core::Ok();
      auto r = tx_.Exec(kDeleteStages, {run_id});
      if (!r) return r.error();
      return core::Ok();
    }
    for (const core::Stage& old : before) {
      const bool kept = std::any_of(after.begin(), after.end(),
                                    [&](const core::Stage& s) { return s.name == old.name; });
      if (kept) continue;
      auto r = tx_.Exec(kDeleteStage, {run_id, old.name});
      if (!r) return r.error();
    }
    for (size_t i = 0; i < after.size(); ++i) {
      const core::Stage& s = after[i];
      if (i < before.size() && before[i] == s) continue;  // same stage at the same position
      const bool stored = std::any_of(before.begin(), before.end(),
                                      [&](const core::Stage& b) { return b.name == s.name; });
      auto r = tx_.Exec(stored ? kUpdateStage : kInsertStage,
                        {static_cast<int64_t>(i), std::string(core::RunStatusName(s.status)),
                         TextOrNull(s.source_status), TextOrNull(s.url), TimeOrNull(s.started_at),
                         TimeOrNull(s.finished_at), run_id, s.name});
      if (!r) return r.error();
    }
    return core::Ok();
  }

  core::Result<void> Apply(const BoundEvent& be) {
    auto loaded = Load(be);
    if (!loaded) return loaded.error();
    const std::optional<core::Run>& current = loaded->run;
    const std::optional<int64_t> run_env =
        current ? loaded->run_environment_id : loaded->binding_environment_id;
    core::RunDecision d =
        core::RunTracker::Apply(current, be.event, be.binding, request_.received_at);
    if (d.changed) {
      if (current) {
        if (auto r = Update(*current, d.run); !r) return r.error();
      } else {
        auto id = Insert(d.run, loaded->pipeline_id, run_env);
        if (!id) return id.error();
        d.run.id = *id;
      }
      static const std::vector<core::Stage> kNone;
      if (auto r = SyncStages(d.run.id, current ? current->stages : kNone, d.run.stages); !r)
        return r.error();
      auto same = std::find_if(result_.changed.begin(), result_.changed.end(),
                               [&](const core::Run& r) { return r.id == d.run.id; });
      if (same != result_.changed.end()) {
        *same = d.run;
      } else {
        result_.changed.push_back(d.run);
        // The state before this delivery, for the notice planner only (a
        // copy of the run and its stages per change otherwise).
        if (request_.outbox) result_.previous.push_back(current);
      }
    }
    if (d.deployment) {
      // FromRun names the run's environment, FromEvent the binding's.
      const std::optional<int64_t> env =
          d.deployment->environment == d.run.environment ? run_env : loaded->binding_environment_id;
      if (!env) {
        return core::Error::InvalidArgument("deploy pipeline '" + be.binding.pipeline +
                                            "' has no environment");
      }
      if (auto r = Record(*d.deployment, loaded->pipeline_id, d.run.id, *env); !r) return r.error();
    }
    return core::Ok();
  }

  core::Result<void> Record(core::Deployment dep, int64_t pipeline_id, int64_t run_id,
                            int64_t env_id) {
    auto rows = tx_.Query(kUpsertDeployment,
                          {pipeline_id, run_id, int64_t{dep.attempt}, env_id,
                           TextOrNull(dep.version), TextOrNull(dep.commit), TextOrNull(dep.url),
                           core::ToUnixMillis(dep.deployed_at), now_, now_});
    if (!rows) return rows.error();
    if (!rows->empty()) {  // as stored, after the merge
      dep.version = TextOr(rows->front()[0]);
      dep.commit = TextOr(rows->front()[1]);
      dep.url = TextOr(rows->front()[2]);
    }
    auto same = std::find_if(
        result_.deployments.begin(), result_.deployments.end(), [&](const core::Deployment& x) {
          return x.pipeline == dep.pipeline && x.external_run_id == dep.external_run_id &&
                 x.attempt == dep.attempt;
        });
    if (same != result_.deployments.end()) {
      *same = std::move(dep);
    } else {
      result_.deployments.push_back(std::move(dep));
    }
    return core::Ok();
  }

  Tx& tx_;
  const IntakeRequest& request_;
  const int64_t now_;
  IntakeResult result_;
};

}  // namespace

core::Result<IntakeResult> SqlRunStore::Ingest(const IntakeRequest& request) {
  if (request.delivery_id.empty() && request.events.empty() && request.unmatched.empty()) {
    return IntakeResult{};
  }
  if (!request.delivery_id.empty() && request.source.empty()) {
    return core::Error::InvalidArgument("a delivery id needs its source", "source");
  }
  // A fresh Intake per run of the function: PostgreSQL may re-run it after a
  // deadlock, and nothing from the failed run may leak into the result.
  return WriteValue<IntakeResult>(db_, [&](Tx& tx) { return Intake(tx, request).Run(); });
}

void SqlRunStore::IngestAsync(IntakeRequest request, IngestDone done) {
  if (request.delivery_id.empty() && request.events.empty() && request.unmatched.empty()) {
    done(IntakeResult{});
    return;
  }
  if (!request.delivery_id.empty() && request.source.empty()) {
    done(core::Error::InvalidArgument("a delivery id needs its source", "source"));
    return;
  }
  struct State {
    IntakeRequest request;
    std::optional<IntakeResult> out;
  };
  auto state = std::make_shared<State>(State{std::move(request), std::nullopt});
  db_.WriteAsync(
      [state](Tx& tx) -> core::Result<void> {
        state->out.reset();  // a re-run starts clean
        auto r = Intake(tx, state->request).Run();
        if (!r) return r.error();
        state->out.emplace(std::move(*r));
        return core::Ok();
      },
      [state, done = std::move(done)](core::Result<void> r) {
        if (!r) {
          done(r.error());
        } else {
          done(std::move(*state->out));
        }
      });
}

}  // namespace opsdeck::store
